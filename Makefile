# Two commands for people: `make review` builds the review PDF, `make test` runs the tests.
# Both create .venv and install the pinned dependencies first (needs only Python >= 3.11 with pip).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
CORES  ?= 2
STAMP  := $(VENV)/.reviewflow-installed

.PHONY: review test install rebuild check-reproducible lint clean-logs

review: $(STAMP)  ## install, then build results/ and results/manuscript/review.pdf from the raw exports
	$(BIN)/snakemake --cores $(CORES)

test: $(STAMP)  ## run the test suite
	$(BIN)/python -m pytest

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

rebuild: $(STAMP)  ## re-run every stage from data/raw, whatever is up to date
	$(BIN)/snakemake --cores $(CORES) --forceall

check-reproducible: $(STAMP)  ## rebuild everything and fail if any committed result changes
	bash .ci/check-reproducible

lint: $(STAMP)
	$(BIN)/ruff check

clean-logs:
	rm -rf logs .snakemake/log
