# Vitrina, one stateless instance: the web server plus its background workers (in a child
# process at lower CPU priority when DATABASE_URL is set). Run as many as you like behind a
# load balancer on the same PostgreSQL and S3 bucket; see docker-compose.yml.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

WORKDIR /app
COPY package.json package-lock.json ./
# sharp, esbuild (tsx) and the rest come as prebuilt packages from the npm registry.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY src ./src
COPY public ./public

RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "bin/vitrina.js", "serve"]
