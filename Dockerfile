# The akhbar image: Python 3.11, the locked dependencies, the project's code.
# Built by docker-compose.yaml; every Airflow component and worker runs from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    AIRFLOW_HOME=/opt/airflow \
    AKHBAR_DATA_DIR=/opt/akhbar/data \
    AKHBAR_SOURCES=/opt/akhbar/include/config/sources.yaml \
    GX_ANALYTICS_ENABLED=False \
    HF_HUB_OFFLINE=1

RUN apt-get update \
 && apt-get install -y --no-install-recommends curl tini \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 50000 --gid 0 airflow

WORKDIR /opt/akhbar
COPY requirements.lock pyproject.toml README.md ./
RUN pip install --no-cache-dir uv==0.13.9 \
 && uv pip install --system --no-cache -r requirements.lock

COPY include/ include/
COPY dags/ dags/
COPY plugins/ plugins/
COPY sample/ sample/
RUN uv pip install --system --no-cache --no-deps -e . \
 && mkdir -p "$AIRFLOW_HOME" "$AKHBAR_DATA_DIR" \
 && chown -R airflow:0 "$AIRFLOW_HOME" "$AKHBAR_DATA_DIR"

USER airflow
ENTRYPOINT ["/usr/bin/tini", "--", "airflow"]
CMD ["version"]
