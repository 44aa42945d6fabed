# Two commands for people: `make review` builds the review PDF, `make test` runs the tests (`make draft`: a PDF
# marked DRAFT before screening and extraction are finished).
# Both create .venv and install exactly the locked dependencies first (needs only Python >= 3.11 with pip).
# The shipped review is the project in reviews/cryoneurolysis (REVIEW=path builds another project folder).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
CORES  ?= 2
STAMP  := $(VENV)/.reviewflow-installed
REVIEW ?= reviews/cryoneurolysis
RUN    := cd $(REVIEW) && $(abspath $(BIN))/reviewflow

.PHONY: review draft search search-update citations retractions screenshot test install lock check-lock rebuild check-reproducible lint clean-logs

review: $(STAMP)  ## install, then build the review's results/ and results/manuscript/review.pdf from its raw exports
	@$(RUN) build --cores $(CORES)

draft: $(STAMP)  ## like review, but works awaiting screening or extraction do not stop it; every page says DRAFT
	@$(RUN) build --cores $(CORES) --draft

search: $(STAMP)  ## run the search log's queries for databases with `search: {api: ...}`; freeze them in data/raw
	@$(RUN) search

search-update: $(STAMP)  ## add a dated update of those searches: records entered since the last one
	@$(RUN) search --update

citations: $(STAMP)  ## citation searching (OpenAlex) from the included studies, frozen for the other-methods arm
	@$(RUN) citations

retractions: $(STAMP)  ## ask Crossref and OpenAlex whether an included study was retracted; freeze it in data/retractions
	@$(RUN) check-retractions

test: $(STAMP)  ## run the test suite
	$(BIN)/python -m pytest

screenshot: $(STAMP)  ## remake docs/screening-app.png, the README's picture of the screening app (needs chromium)
	REVIEWFLOW_SCREENSHOT=$(abspath docs/screening-app.png) $(BIN)/python -m pytest -q tests/screen_app/test_browser_screening.py

install: $(STAMP)

# requirements.lock pins every package, transitive ones and the build backend included, with hashes; pip installs
# exactly that (--require-hashes) and then the project itself without resolving anything (--no-deps).
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

lock: $(STAMP)  ## regenerate requirements.lock from pyproject.toml (after changing a dependency)
	$(BIN)/python tools/lock.py

check-lock: $(STAMP)  ## fail if requirements.lock does not match pyproject.toml
	$(BIN)/python tools/lock.py --check

rebuild: $(STAMP)  ## re-run every stage from data/raw, whatever is up to date
	$(RUN) build --cores $(CORES) --forceall

check-reproducible: $(STAMP)  ## rebuild everything and fail if any committed result changes
	$(RUN) verify --cores $(CORES)

lint: $(STAMP)
	$(BIN)/ruff check

clean-logs:
	rm -rf $(REVIEW)/logs $(REVIEW)/.snakemake/log
