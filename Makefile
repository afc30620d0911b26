# Two commands on a fresh machine:
#   make run    set up (venv, CPU torch, the package) and start the app on its demo corpus
#   make test   set up (with test extras, Chromium and Tesseract) and run the test suite
#   make ocr    install Tesseract for scanned PDFs (apt; make run works without it)
#   make postgres  install PostgreSQL (apt): the shared state of many replicas (RAG_STATE_URL)
#   make run-local  as make run, answering with a local llama.cpp model (builds it: ~10 min once)
.PHONY: run test setup setup-test browser ocr postgres check format lint typecheck contracts bench clean run-local setup-local

PY := .venv/bin/python
# Two workers, a test file each at a time (its module fixtures, e.g. one `streamlit run`, stay
# in one process): 11 min instead of 16-18 on two cores. Serially:
# make test PYTEST_ARGS='-m "not live and not slow"'
PYTEST_ARGS ?= -m "not live and not slow" --durations=30 -n 2 --dist loadfile

# OCR is optional for the app: when Tesseract cannot be installed here (no root, no sudo),
# the app still runs and scanned pages fail alone with the install hint.
run: setup
	-@$(MAKE) --no-print-directory ocr
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

# Tesseract (+ English data) for OCR of scanned and garbled PDF pages, Poppler's tools beside
# it. Without them the app still runs: such pages fail alone, saying how to install them.
ocr:
	@command -v tesseract >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 && [ -n "$$(tesseract --list-langs 2>/dev/null | grep -x eng)" ] || { \
	  pkgs="tesseract-ocr tesseract-ocr-eng poppler-utils"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$pkgs >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$pkgs >/dev/null; fi; }

# Debian's PostgreSQL server binaries: the shared state of many replicas (RAG_STATE_URL) and
# the tests that start a real server from them (tests/reliability/servers.py). The package's
# own cluster is not needed: the tests run initdb/pg_ctl in a temp dir.
postgres:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; fi; }

test: setup-test browser ocr postgres check
	$(PY) -m pytest $(PYTEST_ARGS)

# The gates (CONTRIBUTING.md), also run by .ci/run (through make test) and pre-commit.
check: format lint typecheck contracts

format:
	.venv/bin/ruff format --check .

lint:
	.venv/bin/ruff check .

typecheck:
	.venv/bin/mypy

# Layering: ui -> rag -> providers / ingest -> text, nothing imports rag.cli (grimp); and
# no module over 400 lines, no function over 60 (outside bench/).
contracts:
	$(PY) -m pytest -q -p no:cacheprovider tests/test_import_contracts.py tests/test_code_size.py

clean:
	rm -rf data/index tests/artifacts .pytest_cache
