# Two commands do all of the set-up: `make run` and `make test` (README.md).
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
SCALE ?= 5
export PYTHONPATH := $(CURDIR)

.PHONY: venv run demo lint test test-fast bench clean

$(BIN)/.installed: requirements.txt
	@command -v $(PY) >/dev/null || { echo "need $(PY) on PATH (or make PY=python3)"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

venv: $(BIN)/.installed

demo: venv
	$(BIN)/python -m supply demo --if-missing

run: demo
	@echo "Starting the dashboard on http://localhost:$(PORT)"
	$(BIN)/streamlit run dashboard.py --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false

# Lint first, in seconds: ruff (lint and format) and the import contracts in pyproject.toml
# (layers, no streamlit in supply/, no duckdb in pages). The layout test (module and page sizes,
# package docstrings) and the SQL-safety scan run inside pytest.
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -q

test-fast: lint
	$(BIN)/python -m pytest -q -m "not browser and not slow"

# Every bench/bench_*.py script; SCALE=5 is ~1M order lines (50 = 10M, 500 = 100M).
bench: venv
	@for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f --scale $(SCALE) || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache
