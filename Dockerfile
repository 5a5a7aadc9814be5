# The bot in one container: its locked dependencies, then its own wheel, run as a non-root user.
#   docker build -t ip-intake-bot .
#   docker run --env-file .env -v ipbot-data:/data ip-intake-bot          (or: docker compose up)
# tests/ops/test_deploy.py runs these same steps (wheel, fresh venv, start, health check).
# The base image is pinned by version; pin its digest too once you have pulled and checked it
# (docker buildx imagetools inspect python:3.11.14-slim-bookworm).
FROM python:3.11.14-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bot bot
COPY dialogs dialogs
COPY storage storage
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11.14-slim-bookworm
RUN useradd --system --uid 10001 --create-home --home-dir /app bot \
    && mkdir /data && chown bot:bot /data && chmod 0700 /data
# Exactly the versions of requirements.lock, each checked against its hash; then the wheel alone.
COPY requirements.lock /tmp/requirements.lock
RUN pip install --no-cache-dir --require-hashes -r /tmp/requirements.lock \
    && rm /tmp/requirements.lock
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-deps /wheels/*.whl && rm -rf /wheels
USER bot
WORKDIR /app
# /data is a named volume in compose.yaml (no VOLUME here: it would leave an anonymous volume per
# container). With compose's `secrets:`, SECRETS_DIR=/run/secrets reads them as settings.
ENV DATA_DIR=/data \
    METRICS_HOST=0.0.0.0 \
    METRICS_PORT=9100 \
    PYTHONUNBUFFERED=1
EXPOSE 9100
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ['METRICS_PORT'], timeout=4)"
# SIGTERM stops it gracefully (no new update, the ones in hand finish, the database closes).
STOPSIGNAL SIGTERM
ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
