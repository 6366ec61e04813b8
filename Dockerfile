# hopscope itself: hub, dashboard and proxies (docker compose service "hopscope").
# Two stages: the first builds the dashboard and packs the publishable `hopscope`
# package (compiled JavaScript, the dashboard inside) with every devDependency;
# the second installs that tarball as a user would, production dependencies only,
# and runs it as the image's unprivileged `node` user.
# Node 24 is the Active LTS line (Node 20 reached end of life in April 2026); the
# exact release is pinned so a rebuild gets the same runtime. Both stages use it.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
# The manifests first: `npm ci` stays cached until a dependency changes.
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY proxy/package.json proxy/
COPY server/package.json server/
COPY ui/package.json ui/
COPY demo/package.json demo/
COPY cli/package.json cli/
COPY hopscope/package.json hopscope/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:ui && mkdir /pack && npm pack -w hopscope --pack-destination /pack && mv /pack/hopscope-*.tgz /pack/hopscope.tgz

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
COPY --from=build /pack/hopscope.tgz /tmp/hopscope.tgz
# A global install of the tarball takes its `dependencies` only (no devDependencies, no tsx).
RUN npm install --global --omit=dev --no-audit --no-fund /tmp/hopscope.tgz \
  && rm /tmp/hopscope.tgz \
  && npm cache clean --force
# The official image's unprivileged user (uid 1000); hopscope needs no privileged port.
USER node
WORKDIR /home/node
EXPOSE 4000 4317 4318 8080 8081
# /healthz answers 200 once every proxy listens and the OTLP receivers are up (docs/api.md), without
# the token. The slim image has no curl: Node's fetch asks. HOPSCOPE_PORT moves the dashboard port.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HOPSCOPE_PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["hopscope"]
CMD ["--host", "0.0.0.0"]
