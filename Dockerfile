# Vitrina, one stateless instance: the web server plus its background workers (in a child
# process at lower CPU priority when DATABASE_URL is set). Run as many as you like behind a
# load balancer on the same PostgreSQL and S3 bucket; see docker-compose.yml.

# The compiled build (dist/): made with the dev dependencies (TypeScript), which the image leaves out.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY scripts/build.mjs ./scripts/build.mjs
COPY src ./src
# npm ci runs `prepare` (scripts/build.mjs): src/ → dist/, stamped with the sources.
RUN npm ci --no-audit --no-fund

FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

WORKDIR /app
COPY package.json package-lock.json ./
COPY bin ./bin
COPY scripts/build.mjs ./scripts/build.mjs
# sharp, esbuild (tsx) and the rest come as prebuilt packages from the npm registry; without
# TypeScript, `prepare` builds nothing here: dist/ comes from the build stage.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY src ./src
COPY public ./public
# The same sources as the build stage's (COPY keeps their times): bin/vitrina.js runs dist/.
COPY --from=build /app/dist ./dist

RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "bin/vitrina.js", "serve"]
