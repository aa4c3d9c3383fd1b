# syntax=docker/dockerfile:1
#
# One image for every process: `api` (the default command), `worker`, `tick`, `migrate`.
#   docker build -t market-reports:0.1.0 .
#   docker run --rm market-reports:0.1.0 migrate
#
# Node 26 became the Active LTS line on 2026-10-28; its official images are built on Debian 13
# (trixie) only. Override with --build-arg NODE_VERSION=... for another LTS line (22 or newer).
ARG NODE_VERSION=26
ARG DEBIAN_CODENAME=trixie

# ---- build: TypeScript → the bundled CLI in dist/bundle/, the web app → dist/web/ (the only stage
# with dev dependencies) ----
# npm run build type-checks with tsc, then bundles src/commands/cli.ts with esbuild
# (scripts/bundle-cli.ts): code-split ES modules, one chunk per command, with our dependencies
# inside. A `tick` pod starts every minute, and loading hundreds of small files (tsc's output and
# the packages' own) was most of what a tick with nothing due spent. Files the code reads at run
# time (migrations/, dist/web/) are found from the app's root (src/config/app-root.ts), not from
# beside the code.
FROM node:${NODE_VERSION}-${DEBIAN_CODENAME}-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle-cli.ts ./scripts/
COPY src ./src
COPY web ./web
RUN npm run build

# ---- prod-deps: the runtime dependencies the bundle does not contain; none has an install script ----
# The bundle holds every dependency except the few it loads from node_modules at run time
# (scripts/bundle-cli.ts lists them and says why: puppeteer-core, swagger-ui-dist, pino-pretty,
# and the optional pg-native and PGlite); prune-bundled-deps.mjs removes every other package,
# keeping those and what they depend on.
# --omit=optional leaves out PGlite (only `market-reports dev` uses it, through a lazy import) and
# platform extras nothing here loads. Nothing runs TypeScript (tRPC's peer dependency, for its
# types), the bare-* modules tar-fs keeps for the Bare runtime (Node never loads them), type
# declarations, TypeScript sources, source maps, docs or the packages' own tests and examples.
FROM node:${NODE_VERSION}-${DEBIAN_CODENAME}-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json scripts/image/prune-bundled-deps.mjs ./
COPY --from=build /app/dist/bundle-externals.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
 && node prune-bundled-deps.mjs bundle-externals.json \
 && rm -rf node_modules/typescript node_modules/bare-* node_modules/.bin \
 && find node_modules -type f \( -name '*.ts' -o -name '*.mts' -o -name '*.cts' -o -name '*.map' \
      -o -name '*.md' -o -name '*.markdown' -o -name '*.tsbuildinfo' \) -delete \
 && find node_modules -type d \( -name test -o -name tests -o -name __tests__ -o -name benchmarks \
      -o -name examples \) -prune -exec rm -rf {} +

# ---- node-binary: Node's official binary without its static symbol table and debug info (33 of its
# 150 MB). Native frames in `node --report` and in addon errors are named from the dynamic
# symbols, which stay. ----
FROM node:${NODE_VERSION}-${DEBIAN_CODENAME}-slim AS node-binary
RUN apt-get update \
 && apt-get install -y --no-install-recommends binutils \
 && strip /usr/local/bin/node \
 && node --version

# ---- runtime: Debian slim, Node's binary and nothing else of the Node image (npm, headers) ----
FROM debian:${DEBIAN_CODENAME}-slim AS runtime
# tini runs as PID 1: it forwards SIGTERM to node and reaps the orphaned children Chromium leaves
# behind. Chromium's headless shell (the PDF engine without a browser window: a context per job
# costs a third of full Chromium's CPU) and fonts come from Debian; Liberation/DejaVu cover Latin
# text, Noto Sans CJK covers Chinese, Japanese and Korean names in listings. libatomic1 is the one
# library Node's official binary needs that Debian slim lacks.
#
# dpkg leaves out files nothing here opens (about 300 MB): Mesa's GPU drivers with LLVM and Z3,
# which chromium-headless-shell pulls in through libgbm1 (it links libgbm, which loads a driver
# only when asked for a GPU device, and the app launches Chromium with --disable-gpu); the full
# browser's resources, Vulkan validation layer and locales in chromium-common (the headless shell
# has its own headless_lib_*.pak); Noto Serif CJK (the report styles ask for sans-serif only); X11
# keyboard maps and input-method locales (no display, no keyboard). The image's smoke test
# (npm run test:image) renders and mails a PDF with exactly this set.
RUN printf '%s\n' \
      'path-exclude /usr/lib/*/libLLVM*' \
      'path-exclude /usr/lib/*/libz3.so*' \
      'path-exclude /usr/lib/*/libgallium-*' \
      'path-exclude /usr/lib/chromium/resources.pak' \
      'path-exclude /usr/lib/chromium/chrome_*_percent.pak' \
      'path-exclude /usr/lib/chromium/locales/*' \
      'path-exclude /usr/lib/chromium/libVkLayer_khronos_validation.so*' \
      'path-exclude /usr/lib/chromium/libVkICD_mock_icd.so*' \
      'path-exclude /usr/share/fonts/opentype/noto/NotoSerifCJK-*' \
      'path-exclude /usr/share/X11/xkb/*' \
      'path-exclude /usr/share/X11/locale/*' \
      >/etc/dpkg/dpkg.cfg.d/market-reports-unused \
 && apt-get update \
 && apt-get install -y --no-install-recommends \
      tini \
      libatomic1 \
      chromium-headless-shell \
      fonts-liberation \
      fonts-dejavu-core \
      fonts-noto-cjk \
      ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 market-reports \
 && useradd --system --uid 10001 --gid market-reports --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin market-reports
COPY --from=node-binary /usr/local/bin/node /usr/local/bin/node

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
# The bundle and the web app; not tsc's per-module output (dist/*/), which nothing here runs.
COPY --from=build /app/dist/bundle ./dist/bundle
COPY --from=build /app/dist/web ./dist/web

# V8's code cache for the bundle, made now so that no process compiles it from source again (a tick
# with nothing due spends 15-20 % less CPU). Node files a cache under
# <dir>/<node version>-<arch>-<V8 tag>-<uid>/ and reads only the one for its own uid, so it is made
# as the app's user, 10001 as in the chart's runAsUser (one made as root would sit in a "-0"
# directory the app never looks in, its files readable by root only), then handed to root and made
# read-only like the code. Importing every chunk compiles it (chunks only define things when
# imported; cli.js runs a command only as the entry point). Node checks each entry against the
# source it compiles, and ignores the cache when the Node release, its V8 flags or the CPU's
# features differ from this build's (the V8 tag covers them): a pod on another CPU, or under
# another uid, compiles as it did without it. Node never writes here at run time (the directory is
# not the app user's, and the root filesystem is read-only).
ENV NODE_COMPILE_CACHE=/app/compile-cache
RUN mkdir compile-cache \
 && chown 10001:10001 compile-cache \
 && setpriv --reuid=10001 --regid=10001 --clear-groups node --input-type=module --eval \
      'import { readdirSync } from "node:fs"; for (const f of ["cli.js", ...readdirSync("dist/bundle/chunks").map((c) => `chunks/${c}`)]) await import(`./dist/bundle/${f}`);' \
 && chown -R root:root compile-cache \
 && chmod -R a+rX,go-w compile-cache

# Numeric so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 10001:10001
EXPOSE 3000 9464
ENTRYPOINT ["/usr/bin/tini", "--", "node", "dist/bundle/cli.js"]
CMD ["api"]
