# Two commands work on a fresh clone: `make lab` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# PORT applies to both servers (JupyterLab defaults to 8888, the app to 8866); JUPYTER_ARGS
# passes further options, e.g. make lab JUPYTER_ARGS=--no-browser.
PORT   ?=
JUPYTER_ARGS ?=
# Jupyter refuses to run as root unless told to; containers and CI machines often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test build check bench serve site site-test clean

# The venv is (re)installed whenever pyproject.toml changes.
$(VENV)/.installed-app: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[author]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed-app
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-dev
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@

lab: $(VENV)/.installed-app build
	$(BIN)/python -m leaderdeck.notebooks.lab $(ROOT_FLAG) --ServerApp.port=$(or $(PORT),8888) $(JUPYTER_ARGS)

build: $(VENV)/.installed-app
	$(BIN)/leaderdeck check
	$(BIN)/leaderdeck build

check: $(VENV)/.installed-app
	$(BIN)/leaderdeck check
	$(BIN)/leaderdeck build --check

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-bench
	$(BIN)/python -m benchmarks

$(VENV)/.installed-site: pyproject.toml $(VENV)/.installed-dev
	$(BIN)/python -m pip install --quiet -e '.[site]'
	touch $@

# The browser edition: a static JupyterLite site in build/site (first run downloads Pyodide
# from npm and wheels from PyPI into build/site-cache; later runs are offline).
site: $(VENV)/.installed-site
	$(BIN)/leaderdeck site --out build/site

# Its Chromium test (about a minute; not part of `make test`, which skips it).
site-test: $(VENV)/.installed-site
	LEADERDECK_SITE_TEST=1 $(BIN)/python -m pytest -m site tests/site

serve: $(VENV)/.installed-app build
	$(BIN)/leaderdeck serve --port $(or $(PORT),8866)

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info src/*.egg-info
