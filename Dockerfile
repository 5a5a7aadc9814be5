# The bot in one container: built as a wheel, run as a non-root user, its data in a volume.
#   docker build -t ip-intake-bot .
#   docker run --env-file .env -v ipbot-data:/data ip-intake-bot          (or: docker compose up)
# tests/ops/test_deploy.py runs these same steps (wheel, fresh venv, start, health check).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot bot
COPY dialogs dialogs
COPY storage storage
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --create-home --home-dir /app bot \
    && mkdir /data && chown bot:bot /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER bot
WORKDIR /app
ENV DATA_DIR=/data \
    METRICS_HOST=0.0.0.0 \
    METRICS_PORT=9100 \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
EXPOSE 9100
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ['METRICS_PORT'], timeout=4)"
# SIGTERM stops it gracefully (no new update, the ones in hand finish, the database closes).
STOPSIGNAL SIGTERM
ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
