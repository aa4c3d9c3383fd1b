{{/*
Names. Kubernetes names are at most 63 characters (DNS labels); a CronJob's at most 52, because
its Jobs append an 11-character suffix. Every name here is truncated accordingly.
*/}}

{{/* The chart name, for the app.kubernetes.io/name label. */}}
{{- define "market-reports.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The prefix of every resource name: the release name, unless fullnameOverride is set. So the tick
CronJob of release "prod" is "prod-tick", as the manual-tick command in NOTES.txt assumes.
*/}}
{{- define "market-reports.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* A component's resource name: (dict "root" $ "component" "api") → "<fullname>-api". */}}
{{- define "market-reports.componentName" -}}
{{- printf "%s-%s" (include "market-reports.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The tick CronJob's name, within the 52 characters a CronJob may have. */}}
{{- define "market-reports.tickName" -}}
{{- printf "%s-tick" (include "market-reports.fullname" .) | trunc 52 | trimSuffix "-" -}}
{{- end -}}

{{- define "market-reports.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select this release's pods. */}}
{{- define "market-reports.selectorLabels" -}}
app.kubernetes.io/name: {{ include "market-reports.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of every resource. */}}
{{- define "market-reports.labels" -}}
{{ include "market-reports.selectorLabels" . }}
helm.sh/chart: {{ include "market-reports.chart" . }}
app.kubernetes.io/version: {{ default .Chart.AppVersion .Values.image.tag | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "component" "api"). */}}
{{- define "market-reports.componentSelectorLabels" -}}
{{ include "market-reports.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Labels of one component's resources. */}}
{{- define "market-reports.componentLabels" -}}
{{ include "market-reports.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Labels of one component's pods: the selector plus commonLabels (not the version, which would restart pods on every chart bump). */}}
{{- define "market-reports.podLabels" -}}
{{ include "market-reports.componentSelectorLabels" . }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Pod annotations: a checksum of the settings, so that changing them rolls the pods. */}}
{{- define "market-reports.podAnnotations" -}}
checksum/config: {{ toYaml .Values.config | sha256sum }}
{{- if not .Values.existingSecret }}
checksum/secrets: {{ toYaml .Values.secrets | sha256sum }}
{{- end }}
{{- with .Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "market-reports.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "market-reports.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secret the processes read credentials from. */}}
{{- define "market-reports.secretName" -}}
{{- default (include "market-reports.fullname" .) .Values.existingSecret -}}
{{- end -}}

{{- define "market-reports.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* Pod-level settings shared by every workload (indent 6 in a Deployment, more in a CronJob). */}}
{{- define "market-reports.podSpecCommon" -}}
automountServiceAccountToken: false
{{- /* Service links would add *_PORT/*_HOST variables the app neither reads nor expects. */}}
enableServiceLinks: false
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
  runAsGroup: 10001
  fsGroup: 10001
  seccompProfile:
    type: RuntimeDefault
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
{{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
{{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
{{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "market-reports.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* Settings and credentials as environment variables, for the long-running workloads. */}}
{{- define "market-reports.envFrom" -}}
- configMapRef:
    name: {{ include "market-reports.fullname" . }}
- secretRef:
    name: {{ include "market-reports.secretName" . }}
{{- end -}}

{{/*
The settings as plain env entries, for the migration hook: it runs before the release's ConfigMap
exists (pre-install) or while it still holds the previous values (pre-upgrade).
*/}}
{{- define "market-reports.configEnv" -}}
- name: ENVIRONMENT
  value: production
{{- range $key, $value := .Values.config }}
{{- if ne (toString $value) "" }}
- name: {{ $key }}
  value: {{ toString $value | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Fails the install with a message naming the value, instead of a pod that cannot start. */}}
{{- define "market-reports.validateValues" -}}
{{- $_ := required "config.PUBLIC_BASE_URL is required: the public https address of the api (report and unsubscribe links)" .Values.config.PUBLIC_BASE_URL -}}
{{- $_ := required "config.EMAIL_FROM is required: the sender address of report emails" .Values.config.EMAIL_FROM -}}
{{- $_ := required "config.S3_BUCKET is required: the bucket that holds the reports" .Values.config.S3_BUCKET -}}
{{- if not .Values.existingSecret -}}
{{- range $key := list "DATABASE_URL" "AMQP_URL" "SMTP_URL" "REPORT_LINK_SECRET" "UNSUBSCRIBE_SECRET" -}}
{{- $_ := required (printf "secrets.%s is required unless existingSecret names a Secret holding it" $key) (index $.Values.secrets $key) -}}
{{- end -}}
{{- end -}}
{{- if ge (int .Values.tick.budgetSeconds) (int .Values.tick.activeDeadlineSeconds) -}}
{{- fail (printf "tick.budgetSeconds (%d) must be below tick.activeDeadlineSeconds (%d): the tick must finish before it is killed" (int .Values.tick.budgetSeconds) (int .Values.tick.activeDeadlineSeconds)) -}}
{{- end -}}
{{- if and .Values.worker.keda.enabled (gt (int .Values.worker.keda.minReplicas) (int .Values.worker.keda.maxReplicas)) -}}
{{- fail "worker.keda.minReplicas must not exceed worker.keda.maxReplicas" -}}
{{- end -}}
{{- end -}}

{{/*
ipBlock peers for IPv4 CIDRs, (dict "destination" "s3" "cidrs" (list ...)), with the cloud
metadata address 169.254.169.254 (2852039166 as a number) cut out of every block that holds it;
the address on its own fails the install.
*/}}
{{- define "market-reports.egressIpBlocks" -}}
{{- $metadata := 2852039166 -}}
{{- range .cidrs }}
{{- $parts := splitList "/" . }}
{{- $octets := splitList "." (first $parts) }}
{{- $address := add (mul (atoi (index $octets 0)) 16777216) (mul (atoi (index $octets 1)) 65536) (mul (atoi (index $octets 2)) 256) (atoi (index $octets 3)) }}
{{- $blockSize := 1 }}
{{- range until (sub 32 (atoi (last $parts)) | int) }}{{ $blockSize = mul $blockSize 2 }}{{ end }}
- ipBlock:
    cidr: {{ . }}
    {{- if eq (div $address $blockSize) (div $metadata $blockSize) }}
    {{- if eq $blockSize 1 }}
    {{- fail (printf "networkPolicy.workerEgress.%s.cidrs: %s is the cloud metadata address; the worker may never reach it" $.destination .) }}
    {{- end }}
    except:
      - 169.254.169.254/32
    {{- end }}
{{- end }}
{{- end -}}
