# One image for every gleanbot process: the app (`gleanbot http` or `gleanbot socket`) and its workers
# (`gleanbot worker`). See docker-compose.yml for how they run together with Redis.
# Pinned by version (bump deliberately); the dependencies come from the hashed lock, the stand-ins stay out.
FROM python:3.11.14-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY . .
RUN pip install --no-deps . && useradd --system --uid 10001 --no-create-home gleanbot

# Settings come from the environment only (no .env file is copied into the image: see .dockerignore).
USER gleanbot
ENV PORT=3000
EXPOSE 3000
# Platforms send SIGTERM on shutdown: the app stops serving, a worker finishes the answer in progress first.
STOPSIGNAL SIGTERM
CMD ["gleanbot", "http"]
