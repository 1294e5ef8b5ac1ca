PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint install clean train-ner

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[fast,tables,db,dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/piguard demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts

bench: $(STAMP)
	$(BIN)/python bench/gen_corpus.py
	$(BIN)/python bench/evaluate.py
	$(BIN)/python bench/throughput.py

# Rebuilds src/piguard/ner/model.npz from the synthetic generator + presidio-research (MIT);
# PyTorch lives only in train/.venv, never in the runtime install.
train-ner:
	bash train/train_ner.sh

clean:
	rm -rf $(VENV) build dist src/*.egg-info
