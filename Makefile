# onrecord: `make demo` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
SHARED ?= ../shared
# `make model`: the transformer attribution model trained on PolNeAR (git-ignored; never shipped)
MODEL_DIR ?= models/attribution-polnear
POLNEAR ?= $(SHARED)/data/polnear
# `make eval` and `make bench` add the trained model beside the rules when MODEL_DIR holds one
MODEL_ARGS = $(if $(wildcard $(MODEL_DIR)/onrecord-model.json),--attribution-model $(MODEL_DIR),--no-model)
# the ablation in `make eval`: one row group per way of combining the model with the rules
MODEL_MODES = $(if $(wildcard $(MODEL_DIR)/onrecord-model.json),--model-mode hybrid --model-mode veto --model-mode add --model-mode model)

.PHONY: install demo test lint typecheck pytest eval model bench bench-corpus bench-scale bench-web schema clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

demo: install
	$(VENV)/bin/onrecord analyze examples/articles --format table

lint: install
	$(VENV)/bin/ruff check src tests eval bench
	$(VENV)/bin/ruff format --check src tests eval bench

typecheck: install
	$(VENV)/bin/mypy

pytest: install
	$(PY) -m pytest; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 5 ]

test: lint typecheck pytest

eval: install
	mkdir -p build
	$(PY) -m eval.run --shared $(SHARED) $(MODEL_ARGS) $(MODEL_MODES) --json build/eval.json
	$(PY) -m eval.agreement --shared $(SHARED) --rules-figures build/eval.json
	$(PY) -m eval.speakers
	$(PY) -m eval.figures
	$(PY) -m eval.entities
	$(PY) -m eval.framing

model: install
	$(VENV)/bin/onrecord train attribution --brat $(POLNEAR)/train \
		--dev $(POLNEAR)/dev -o $(MODEL_DIR)

bench: install
	$(PY) -m bench.run --shared $(SHARED) $(MODEL_ARGS)

bench-corpus: install
	$(PY) -m bench.corpus --shared $(SHARED)

bench-web: install
	$(PY) -m bench.web

bench-scale: install
	$(PY) -m bench.scale --docs 2000

schema: install
	$(VENV)/bin/onrecord schema -o docs/record.schema.json

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis
