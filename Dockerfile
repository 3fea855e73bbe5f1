# syntax=docker/dockerfile:1
# The gateway image: built with dev dependencies, run with production dependencies only.
# Node 24 is the active LTS line (docs/operations.md); CI also runs the tests on it.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/build-snapshot.js ./scripts/
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: no production dependency needs one, and none then runs at build time.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The heap cap the defaults are sized for (CACHE_MAX_BYTES is a sixth of it): give the container
# at least 640 MiB, as deploy/kubernetes/deployment.yaml does (docs/operations.md, "Memory"). The
# young generation as on Node 20 (16 MiB semi-spaces): Node 24's default held about 85 MB more.
ENV NODE_OPTIONS="--max-old-space-size=384 --max-semi-space-size=16"
# glibc's malloc keeps its 128 KiB mmap threshold: freeing the blob's 18 MB read buffer at start
# would otherwise raise it (and the trim threshold to twice that) for good, and the memory V8's
# compiler threads free under load would then stay resident: about 50 MB (docs/operations.md, "Memory").
ENV MALLOC_MMAP_THRESHOLD_=131072
# The V8 startup snapshot the CMD starts from (docs/operations.md, "Start-up"), built here from the
# build stage's bundle: by this Node, with these NODE_OPTIONS, in the directory it runs in.
COPY scripts/build-snapshot.js ./scripts/
RUN node scripts/build-snapshot.js --blob-only
# The playground's example tabs (the same documents codegen types for the tests).
COPY operations ./operations
# The official image's unprivileged user (uid 1000); the app files stay root-owned and read-only to it.
USER node
EXPOSE 4000
# Liveness only: an upstream outage must not get the container restarted (/readyz is for routing).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The gateway drains in-flight requests on SIGTERM; node runs as PID 1 without a shell in between.
# `node dist/main.js` starts the same gateway without the snapshot (about three times the CPU).
STOPSIGNAL SIGTERM
CMD ["node", "--snapshot-blob", "dist/gateway.blob"]
