# The two commands: `make run` (demo mode with the embedded simulator and GraphiQL) and
# `make test` (every check and test). Both create .venv and install what is missing.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench fuzz clean redis-server chromium jemalloc graphiql-assets lock

$(STAMP): pyproject.toml requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed as $(PYTHON) (Debian: apt-get install python3)"; exit 1; }
	@$(PYTHON) -m venv --help >/dev/null 2>&1 && $(PYTHON) -c 'import ensurepip' 2>/dev/null || \
		{ if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && apt-get install -y -qq python3-venv; \
		else echo "Install the Python venv module (Debian: apt-get install python3-venv)"; exit 1; fi; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --require-hashes -r requirements-dev.lock
	$(BIN)/pip install -q --no-deps -e .
	@$(MAKE) --no-print-directory graphiql-assets
	@touch $(STAMP)

# GraphiQL's files, pinned and checked, from the npm registry into .venv/share (never a CDN).
graphiql-assets:
	@command -v npm >/dev/null || \
		{ if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && apt-get install -y -qq npm >/dev/null; \
		else echo "Install npm (Debian: apt-get install npm): GraphiQL's files come from the npm registry"; exit 1; fi; }
	$(BIN)/python -m graph.graphiql fetch

run: $(STAMP) jemalloc
	$(BIN)/ssbtek-graphql serve --host $(HOST) --port $(PORT)

# ruff, then mypy: strict on graph/, schema/, resolvers/ and simulator/ ([tool.mypy] in
# pyproject.toml), zero errors.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Every test, two at a time (one per core), with the line coverage of resolvers/ and schema/
# reported (at least 90 %). The cache tests run a real redis-server: installed here when missing
# (as root with apt-get).
test: lint redis-server chromium jemalloc
	$(BIN)/pytest -n 2 --cov --cov-report=term

redis-server:
	@command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ] || \
		{ if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && apt-get install -y -qq redis-server >/dev/null && \
			{ service redis-server stop >/dev/null 2>&1 || true; }; \
		else echo "Install redis-server (Debian: apt-get install redis-server): the cache tests need it"; exit 1; fi; }

# `serve` runs with jemalloc where it is installed (graph/allocator.py), the C library's allocator
# otherwise: installed here when missing (as root with apt-get); without it everything still runs.
jemalloc: $(STAMP)
	@$(BIN)/python -c 'import sys; from graph.allocator import jemalloc_library; sys.exit(jemalloc_library() is None)' || \
		{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
			apt-get update -qq && apt-get install -y -qq libjemalloc2 >/dev/null; } || \
		echo "jemalloc not installed: serving with the C library's allocator (Debian: apt-get install libjemalloc2)"

# The browser test drives Debian's Chromium through its ChromeDriver.
chromium:
	@{ command -v chromium && command -v chromedriver; } >/dev/null || \
		{ if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; \
		else echo "Install chromium and chromium-driver (Debian: apt-get install chromium chromium-driver): the browser test needs them"; exit 1; fi; }

# A longer run of the GraphQL fuzzing that `make test` runs briefly, and of the comparison of
# the fast path with graphql-core on generated operations (about seven minutes).
fuzz: $(STAMP)
	SSBTEK_FUZZ_EXAMPLES=2000 $(BIN)/pytest -q -p no:cacheprovider tests/test_fuzz.py \
		tests/test_execution.py::test_generated_operations_answer_alike_with_and_without_the_fast_path

# wrk (a load generator in C) measures requests per second; redis-server the Redis cache.
bench: $(STAMP) redis-server jemalloc
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } || \
		echo "wrk not installed: rates measured in Python"
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis *.egg-info

# The lock files, made again from pyproject.toml by pip-tools (in a venv of its own, build/pip-tools):
# every package pinned with its hashes, for Python 3.11 (README, Updating the dependencies).
LOCK := build/pip-tools/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	--no-emit-index-url --no-emit-find-links $(LOCK_FLAGS)
lock:
	@[ -x build/pip-tools/bin/pip-compile ] || \
		{ $(PYTHON) -m venv build/pip-tools && build/pip-tools/bin/pip install -q pip-tools==7.7.0; }
	$(LOCK) -o requirements.lock pyproject.toml
	$(LOCK) --extra dev -o requirements-dev.lock pyproject.toml
