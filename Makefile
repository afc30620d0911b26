# Two commands on a fresh machine:
#   make run    set up (venv, CPU torch, the package) and start the app on its demo corpus
#   make test   set up (with test extras and Chromium) and run the test suite
#   make run-local  as make run, answering with a local llama.cpp model (builds it: ~10 min once)
.PHONY: run test setup setup-test browser check format lint typecheck contracts bench clean run-local setup-local

PY := .venv/bin/python
PYTEST_ARGS ?= -m "not live and not slow"

run: setup
	$(PY) -m streamlit run app.py

setup:
	scripts/setup.sh

setup-test:
	scripts/setup.sh test

# llama-cpp-python has no wheel: built from source, portable (a native build SIGILLs on AMX
# CPUs). pip caches the built wheel, so only the first install on a machine is slow.
setup-local:
	CMAKE_ARGS="-DGGML_NATIVE=OFF" scripts/setup.sh local

run-local: setup-local
	RAG_PROVIDER=llamacpp $(PY) -m streamlit run app.py

# Debian's Chromium for the Playwright browser tests (Playwright cannot download browsers here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

test: setup-test browser check
	$(PY) -m pytest $(PYTEST_ARGS)

# The gates (CONTRIBUTING.md), also run by .ci/run (through make test) and pre-commit.
check: format lint typecheck contracts

format:
	.venv/bin/ruff format --check .

lint:
	.venv/bin/ruff check .

typecheck:
	.venv/bin/mypy

# Layering: ui -> rag -> providers / ingest -> text, nothing imports rag.cli (grimp).
contracts:
	$(PY) -m pytest -q -p no:cacheprovider tests/test_import_contracts.py

clean:
	rm -rf data/index tests/artifacts .pytest_cache
