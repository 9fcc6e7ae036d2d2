# Two commands: `make run` starts the app, `make test` runs every test. Both install what they need first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run demo test bench install install-test clean

run: $(VENV)/.installed
	$(PY) -m streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT)

# Viewer mode (read-only) on every interface, for a room: refuses to start without a password.
demo: $(VENV)/.installed
	$(PY) -m core.server.demo
	EE_MODE=viewer $(PY) -m streamlit run app.py --server.address 0.0.0.0 --server.port $(PORT)

test: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) -m pytest -ra

bench: $(VENV)/.installed-test
	$(PY) -m core bench --json

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The app's install also builds, once, what a first map needs on this machine (core/machine_setup.py). The tests
# build what they use in folders of their own, so the test install skips it.
$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m core.machine_setup
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

clean:
	rm -rf $(VENV) .ee-data test-artifacts
