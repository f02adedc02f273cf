# ssbtek-graphql: a container image of the facade (docs/deployment.md).
# Build: docker build -t ssbtek-graphql .
# The build stage needs the package registries (PyPI, Debian, npm); the final stage has no
# compiler, no npm and no package manager cache, and runs as a user that is not root.

FROM python:3.11-slim-bookworm AS build
# npm fetches GraphiQL's pinned files (graph/graphiql.py) from the npm registry. jemalloc, which
# `serve` preloads (graph/allocator.py: a miss costs a fifth less CPU than with the C library's
# allocator, and unused pages go back within a second), is copied to the final stage.
RUN apt-get update \
    && apt-get install -y --no-install-recommends npm=9.2.0~ds1-1 libjemalloc2=5.3.0-1 \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir /opt/jemalloc && cp /usr/lib/*/libjemalloc.so.2 /opt/jemalloc/
WORKDIR /src
COPY pyproject.toml requirements.lock README.md ./
COPY graph graph
COPY resolvers resolvers
COPY schema schema
COPY simulator simulator
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --require-hashes -r requirements.lock \
    && /opt/venv/bin/pip install --no-cache-dir --no-deps . \
    && /opt/venv/bin/python -m graph.graphiql fetch /opt/venv/share/ssbtek-graphql/graphiql

FROM python:3.11-slim-bookworm
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin facade
COPY --from=build /opt/venv /opt/venv
COPY --from=build /opt/jemalloc/libjemalloc.so.2 /usr/local/lib/libjemalloc.so.2
# GraphiQL opens with the schema guide's examples: it reads them beside the installed package.
COPY docs/schema-guide.md /opt/venv/lib/python3.11/site-packages/docs/schema-guide.md
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SSBTEK_LOG_FORMAT=json \
    SSBTEK_GRAPHIQL_ASSETS=/opt/venv/share/ssbtek-graphql/graphiql
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
# Behind a proxy or ingress: uvicorn takes X-Forwarded-For/-Proto only from the addresses in
# FORWARDED_ALLOW_IPS (default 127.0.0.1): set it to the proxy's address.
ENTRYPOINT ["ssbtek-graphql", "serve", "--host", "0.0.0.0", "--port", "8000"]
