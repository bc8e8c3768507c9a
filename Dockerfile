# workshop-bot: a small image, a non-root user, the database on the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    WORKSHOP_DATABASE=/data/workshop.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY config ./config
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /app workshop \
    && mkdir -p /data \
    && chown workshop /data

USER workshop
VOLUME ["/data"]

# The token comes from the environment (DISCORD_TOKEN) or a mounted secret file
# (DISCORD_TOKEN_FILE=/run/secrets/discord_token). Without config/workshop.toml the defaults apply.
CMD ["workshop-bot", "run"]
