# LLM Sommelier: the Telegram bot (or any `sommelier` command) in a container.
#   docker build -t llm-sommelier .
#   docker run -e TELEGRAM_BOT_TOKEN=... -e SOMMELIER_ADMINS=12345 -v sommelier-data:/data llm-sommelier
# `sommelier start` syncs the catalog into the /data volume when it is empty, then runs `sommelier bot`.

# Another Debian-based image with python3 (and venv) can be given: --build-arg BASE_IMAGE=...
ARG BASE_IMAGE=python:3.11-slim

FROM ${BASE_IMAGE} AS build
# Where torch comes from: the PyTorch CPU index by default (PyPI's default wheel carries CUDA, several GB);
# a build can point elsewhere, e.g. --build-arg TORCH_SOURCE="--find-links /opt/wheels" with that folder mounted.
ARG TORCH_SOURCE="--index-url https://download.pytorch.org/whl/cpu"
# A CA bundle for pip when package traffic goes through an inspecting proxy (mounted by the build).
ARG PIP_CERT=""
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential cmake \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# llama-cpp-python compiles here: portable x86-64 with AVX2 (no AMX/AVX-512 kernels, which crash on some VMs)
ENV CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON \
-DGGML_AVX512=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_BF16=OFF"
COPY pyproject.toml constraints.txt README.md ./
COPY index index
COPY recommender recommender
COPY bot bot
COPY parser_training parser_training
COPY configs configs
RUN python3 -m venv /opt/sommelier \
    && if [ -z "$PIP_CERT" ]; then unset PIP_CERT; fi \
    && /opt/sommelier/bin/pip install --no-cache-dir --upgrade pip \
    && /opt/sommelier/bin/pip install --no-cache-dir $TORCH_SOURCE torch==2.13.0 \
    && /opt/sommelier/bin/pip install --no-cache-dir -c constraints.txt .

FROM ${BASE_IMAGE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 sommelier \
    && mkdir /data && chown sommelier /data
COPY --from=build /opt/sommelier /opt/sommelier
ENV PATH="/opt/sommelier/bin:$PATH" \
    SOMMELIER_HOME=/data \
    SOMMELIER_MODELS_DIR=/opt/sommelier/models \
    HF_HUB_OFFLINE=0 \
    PYTHONUNBUFFERED=1
# The bundled parser model is assembled into the image (not into the volume), and one request is read with
# it: an image whose parser cannot load fails here, not in production.
RUN SOMMELIER_HOME=/tmp/build-home sommelier parse "best commercial 16GB llama model" --json \
    && rm -rf /tmp/build-home
USER sommelier
VOLUME ["/data"]
HEALTHCHECK --interval=60s --timeout=30s --start-period=120s CMD sommelier stats --json >/dev/null || exit 1
ENTRYPOINT ["sommelier"]
# webhook mode (TELEGRAM_WEBHOOK_URL) listens here, behind a TLS proxy
EXPOSE 8443
CMD ["start"]
