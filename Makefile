# Stratoflight: every target bootstraps .venv from pyproject.toml when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint fuzz clean clean-kernels

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python scripts/demo.py

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

lint: $(STAMP)
	$(BIN)/ruff check .

fuzz: $(STAMP)
	$(BIN)/python benchmarks/fuzz_decoders.py

clean: clean-kernels
	rm -rf $(VENV) build *.egg-info .pytest_cache

# numba's compiled-kernel cache (stale after editing only an inlined helper's file)
clean-kernels:
	find . -path ./.venv -prune -o \( -name '*.nbi' -o -name '*.nbc' \) -print -exec rm -f {} +
