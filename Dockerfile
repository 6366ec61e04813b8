# hopscope itself: hub, dashboard and proxies (docker compose service "hopscope").
FROM node:20-bookworm-slim
WORKDIR /hopscope
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY proxy/package.json proxy/
COPY server/package.json server/
COPY ui/package.json ui/
COPY demo/package.json demo/
COPY cli/package.json cli/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:ui
EXPOSE 4000 4318 8080 8081
ENTRYPOINT ["node", "cli/bin/hopscope.js"]
CMD ["--host", "0.0.0.0"]
