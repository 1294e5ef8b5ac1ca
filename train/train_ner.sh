#!/usr/bin/env bash
# Rebuild the shipped name/address model: src/piguard/ner/model.npz.
#
#   bash train/train_ner.sh            (or: make train-ner)
#
# Steps: a separate training venv (train/.venv: torch CPU + numpy + jieba; never the runtime
# venv), synthetic data from train/gen_data.py (piguard's shipped tables, hand-written lists,
# jieba's MIT word list for filler, presidio-research MIT templates/samples from
# ../shared/eval/presidio_research), then train/train_ner.py (one thread, time-boxed).
# Environment: SEED (1), EPOCHS (6), MINUTES (safety cap, 30), PY (python3), OUT (model path).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3}
SEED=${SEED:-1}
EPOCHS=${EPOCHS:-5}
MINUTES=${MINUTES:-90}  # a safety cap; 5 epochs take about 25 minutes on one core
OUT=${OUT:-src/piguard/ner/model.npz}
TV=train/.venv
if [ ! -x "$TV/bin/python" ]; then
  "$PY" -m venv "$TV"
fi
"$TV/bin/pip" install -q torch==2.13.0 numpy jieba==0.42.1
JIEBA_DICT=$("$TV/bin/python" -c "import jieba, os; print(os.path.join(os.path.dirname(jieba.__file__), 'dict.txt'))")
mkdir -p train/data
# the generator needs piguard's own tables (stdlib only): run it with the training venv
# and src/ on the path
PYTHONPATH=src "$TV/bin/python" train/gen_data.py --out train/data/train.jsonl \
  --seed "$SEED" --jieba-dict "$JIEBA_DICT"
OMP_NUM_THREADS=1 "$TV/bin/python" train/train_ner.py --data train/data/train.jsonl \
  --out "$OUT" --epochs "$EPOCHS" --minutes "$MINUTES" --seed "$SEED" --threads 1 --jieba-dict "$JIEBA_DICT"
echo "model written to $OUT"
