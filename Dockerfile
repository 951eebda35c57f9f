# keytrail's stages as a container image (used by docker-compose.yml). Node 24 runs the TypeScript sources directly.
FROM node:24-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY schemas ./schemas
COPY fixtures ./fixtures
ENV NODE_ENV=production
ENTRYPOINT ["node", "--no-warnings", "bin/keytrail.js"]
