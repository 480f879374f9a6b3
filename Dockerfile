# syntax=docker/dockerfile:1
# Samenspraak: one image for the bot (`samenspraak run`) and the migration job
# (`samenspraak db upgrade`). See docs/deploy.md.
#
#   docker build -t samenspraak .
#   docker run --env-file .env samenspraak                       # long polling
#   docker run --env-file .env -p 127.0.0.1:8443:8443 samenspraak \
#       samenspraak run --webhook --listen 0.0.0.0 --port 8443 --url https://bot.example.nl

# 1. The wheel: code, flows and translation catalogs in one package (see pyproject.toml), built in
#    a stage of its own so that no source tree ends up in the image.
FROM python:3.11-slim AS wheel
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY storage ./storage
COPY tgstub ./tgstub
COPY flows ./flows
COPY locales ./locales
RUN pip wheel --no-deps --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    # matplotlib wants a writable config/cache directory; the app directory is read-only.
    MPLCONFIGDIR=/tmp/matplotlib \
    # SQLite file and pepper file, only used without PostgreSQL (a volume belongs here).
    SAMENSPRAAK_DATA_DIR=/data \
    # The ops server (/healthz, /metrics) must be reachable from outside the container.
    SAMENSPRAAK_METRICS_HOST=0.0.0.0 \
    SAMENSPRAAK_METRICS_PORT=9090

WORKDIR /app

# 2. Dependencies only (runtime, no dev extras), read from pyproject.toml: this layer is rebuilt
#    only when the dependencies change, not on every code change.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# 3. The application: the wheel, installed (not editable) without dependencies. The bot finds
#    its flows and catalogs inside the installed package; the .po files are read as they are, so
#    nothing is compiled. pip compiles the bytecode.
COPY --from=wheel /wheels /tmp/wheels
RUN pip install --no-deps /tmp/wheels/*.whl \
    && rm -rf /tmp/wheels

# 4. A non-root user that can write only /data (and /tmp); the code stays owned by root.
RUN groupadd --system --gid 10001 samenspraak \
    && useradd --system --uid 10001 --gid samenspraak --home-dir /home/samenspraak \
        --create-home --shell /usr/sbin/nologin samenspraak \
    && mkdir -p /data \
    && chown samenspraak:samenspraak /data \
    && chmod 0700 /data
USER 10001:10001

# 5. Fill the start-up caches (~/.cache/samenspraak: the crisis lexicons' compiled patterns and
#    parsed data, the parsed translation catalogs) as the user that runs the bot, so even the
#    first start of a new container does not compile them (about 1 s of CPU).
RUN python -c "from bot.privacy.crisis import load_lexicon; from bot.translate import SUPPORTED_LOCALES, translator; load_lexicon(); [translator(code) for code in SUPPORTED_LOCALES]"

# 8443: webhook receiver (plain HTTP: put a TLS reverse proxy in front). 9090: /healthz, /metrics.
EXPOSE 8443 9090

HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-m", "bot.ops"]

CMD ["samenspraak", "run"]
