# dangwu — two commands: `make demo` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup system demo test bench lint clean

setup: system $(STAMP)

system:
	@bash scripts/setup-system.sh

$(STAMP): setup.py constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

demo: setup
	@bash scripts/demo.sh

test: setup
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/run.py

lint: setup
	$(BIN)/ruff check toolkit tests bench scripts
	$(BIN)/ruff format --check toolkit tests bench scripts

clean:
	rm -rf $(VENV) demo-workspace bench-out *.egg-info
