# Sunline server. Build: docker build -t sunline .
# (No Docker engine on the development machines: keep this simple and conventional.)
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# With internet access npm runs mediasoup's install script, which fetches its prebuilt worker.
# Air-gapped: build the worker with scripts/mediasoup/build-worker.sh, copy it into the image and
# set MEDIASOUP_WORKER_BIN (docs/mediasoup.md).
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.web.json vite.config.ts ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production SUNLINE_HOST=0.0.0.0 SUNLINE_PORT=8080 SUNLINE_DATA_DIR=/var/lib/sunline SUNLINE_CONFIG_DIR=/app/config
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY migrations ./migrations
COPY migrations-pg ./migrations-pg
COPY config ./config
# /var/lib/sunline-files: the files several nodes share (docker-compose.yml's sunline-files volume).
RUN mkdir -p /var/lib/sunline /var/lib/sunline-files && chown node:node /var/lib/sunline /var/lib/sunline-files
USER node
VOLUME ["/var/lib/sunline"]
EXPOSE 8080
# Browsers' WebRTC audio (mediasoup). For agents on other machines set SUNLINE_MEDIA_LISTEN_IP,
# SUNLINE_MEDIA_ANNOUNCED_IP and SUNLINE_MEDIA_RTP_IP (docs/mediasoup.md).
EXPOSE 40000-49999/udp
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.SUNLINE_PORT||8080)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/server.js"]
