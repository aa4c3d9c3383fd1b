# syntax=docker/dockerfile:1
#
# One image for every process: `api` (the default command), `worker`, `tick`, `migrate`.
#   docker build -t market-reports:0.1.0 .
#   docker run --rm market-reports:0.1.0 migrate
#
# Node 26 became the Active LTS line on 2026-10-28; its official images are built on Debian 13
# (trixie) only. Override with --build-arg NODE_VERSION=... for another LTS line.
ARG NODE_VERSION=26
ARG DEBIAN_CODENAME=trixie

# ---- build: TypeScript → dist/ (the only stage that has the dev dependencies) ----
FROM node:${NODE_VERSION}-${DEBIAN_CODENAME}-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# tsc only emits .js (and imported .json); files the code reads at run time (HTML templates,
# stylesheets, ...) are copied beside the compiled code so the same relative paths resolve.
RUN npm run build \
 && cd src && find . -type f ! -name '*.ts' -exec cp --parents {} ../dist/ \;

# ---- prod-deps: runtime dependencies only; none of them has an install script ----
FROM node:${NODE_VERSION}-${DEBIAN_CODENAME}-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# ---- runtime ----
FROM node:${NODE_VERSION}-${DEBIAN_CODENAME}-slim AS runtime
# tini runs as PID 1: it forwards SIGTERM to node and reaps the orphaned children Chromium leaves
# behind. Chromium's headless shell (the PDF engine without a browser window: a context per job
# costs a third of full Chromium's CPU) and fonts come from Debian; Liberation/DejaVu cover Latin text, Noto CJK covers
# Chinese, Japanese and Korean names in listings. The package managers are removed: nothing
# installs at run time.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      tini \
      chromium-headless-shell \
      fonts-liberation \
      fonts-dejavu-core \
      fonts-noto-cjk \
      ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/bin/npm /usr/local/bin/npx \
           /usr/local/lib/node_modules/corepack /usr/local/bin/corepack /opt/yarn-* /usr/local/bin/yarn /usr/local/bin/yarnpkg \
 && groupadd --system --gid 10001 market-reports \
 && useradd --system --uid 10001 --gid market-reports --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin market-reports

# HOME=/tmp: Chromium writes its profile, crash-handler database and font cache under $HOME, and
# /tmp is the one writable place when the root filesystem is mounted read-only.
ENV NODE_ENV=production \
    HOME=/tmp \
    CHROMIUM_PATH=/usr/lib/chromium/chromium-headless-shell

WORKDIR /app
# Owned by root and not writable by the app user: the code cannot be changed at run time.
COPY package.json ./
COPY migrations ./migrations
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist

# Numeric so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 10001:10001
EXPOSE 3000 9464
ENTRYPOINT ["/usr/bin/tini", "--", "node", "dist/commands/cli.js"]
CMD ["api"]
