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

.PHONY: lab test build check bench serve clean

# The venv is (re)installed whenever pyproject.toml changes.
$(VENV)/.installed-app: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
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

serve: $(VENV)/.installed-app build
	$(BIN)/leaderdeck serve --port $(or $(PORT),8866)

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info src/*.egg-info
