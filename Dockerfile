# Parley: one image for every role. The role is the command:
#   docker run parley                         -> --role api (the default CMD)
#   docker run parley --role worker
#   docker run parley --role connector
# See docker-compose.yml for a full deployment (Postgres, Temporal, Temporal UI, Qdrant).
# Only classic Dockerfile syntax, so docker-compose 1.29's builder (no BuildKit) builds it too.

ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: every dependency, the dashboard bundle, then drop the dev dependencies ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# The lockfile alone first, so a code change does not reinstall node_modules.
COPY package.json package-lock.json ./
# npm install, not npm ci: npm 11 leaves other platforms' optional packages out of the lock file.
RUN npm install --no-audit --no-fund --loglevel=error
COPY . .
# web/dist is what the api role serves at /. Then keep only the runtime dependencies
# (tsx, the `node` package, Temporal, MikroORM, …); vite, jest, swc-jest and typescript go.
RUN npm run build:web \
 && node --import tsx scripts/check-workflows.ts \
 && npm prune --omit=dev --no-audit --no-fund --loglevel=error \
 && rm -rf web/src web/__integration-tests__ test coverage

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
# The code stays owned by root (read-only to the app); only the data folder is writable.
COPY --from=build /app /app
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
# The launcher npm start and the tests use: the heap budget, async context frames, two malloc arenas.
ENTRYPOINT ["bash", "scripts/launch.sh"]
CMD ["--role", "api"]
