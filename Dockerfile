# The application image: every Staffroom process (gateway, frontend, projector, services,
# reactors) runs from it with its own command (docker-compose.yml). Base images are pinned
# to a version; pin them to a digest too once your registry mirror has them.

# htmx and its morph swap (idiomorph), served by the frontend itself (no CDN), from the npm lockfile.
FROM node:20.20.2-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11.7-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
# The pinned packages first: a code change does not reinstall them.
COPY deploy/requirements.txt deploy/requirements.txt
RUN pip install -r deploy/requirements.txt
COPY pyproject.toml README.md ./
COPY events events
COPY services services
COPY readmodels readmodels
COPY gateway gateway
COPY frontend frontend
COPY deploy deploy
COPY --from=assets /build/node_modules/htmx.org/dist/htmx.min.js frontend/static/vendor/htmx.min.js
COPY --from=assets /build/node_modules/idiomorph/dist/idiomorph.min.js frontend/static/vendor/idiomorph.min.js
RUN pip install --no-deps . \
    && useradd --system --uid 10001 --home-dir /app staffroom
# Nothing is written inside the image: the log lives in NATS, read models in PostgreSQL.
USER staffroom
ENV STAFFROOM_DEPLOY=/app/deploy
EXPOSE 8000 9100
CMD ["staffroom", "--help"]
