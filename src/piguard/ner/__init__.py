"""Names (``PERSON_NAME``) and addresses (``ADDRESS``) in Chinese and English text.

A small character model trained by the project (``train/``; see ``MODEL_CARD.md``): a
character embedding plus lexicon features (division names from the shipped GB/T 2260 table,
US Census first/last names, titles, street words), four dilated 1-D convolutions and a
linear-chain CRF over BIOES tags.  Inference is numpy only; the weights (``model.npz``) ship
inside the package and load on the first call, so ``import piguard.ner`` costs nothing.

``recognize(text)`` is what the detector calls with the normalised text.  It decides itself
where the model is worth running:

- text with CJK characters: the whole text, cut at sentence ends into chunks that run as
  one packed batch;
- other text: windows around cheap triggers only (capitalised words that are not common
  sentence openers, house numbers followed by a word, cue words such as ``name``, ``Dear``,
  ``Mr``, ``address``); text without any trigger is not run through the model at all.

Span conventions follow ARCHITECTURE.md: names without titles (``王先生`` -> ``王``,
``Mr. Smith`` -> ``Smith``), an address from its first administrative unit or street to its
last unit.  Masked values (``张**``, ``张某``) are not findings.  Scores are below 1.0 (no
checksum): the model's confidence mapped to 0.05-0.97; an address that is only a bare place
name (``北京``, ``日本``: no street, number, building or sub-county unit) is capped at
``PLACE_ONLY_SCORE``.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from piguard.detect.recognizers.base import Candidate

__all__ = ["MODEL_VERSION", "PLACE_ONLY_SCORE", "recognize", "recognize_many"]

MODEL_VERSION = "ner-v2"
# A bare place (北京, 日本) is no street address by the span conventions and names nobody; it
# stays below the default threshold (0.5) and shows only with a lower --min-score.
PLACE_ONLY_SCORE = 0.45

_model = None
_lock = threading.Lock()


def _get():
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                from piguard.ner.runtime import Model

                _model = Model.load()
    return _model


def recognize(text: str) -> list[Candidate]:
    """``PERSON_NAME`` and ``ADDRESS`` candidates in ``text`` (offsets index ``text``)."""
    if not text:
        return []
    return _get().recognize_many([text])[0]


def recognize_many(texts: list[str]) -> list[list[Candidate]]:
    """Like :func:`recognize` for several texts, run as one packed batch (faster on short texts)."""
    texts = list(texts)
    if not any(texts):
        return [[] for _ in texts]
    return _get().recognize_many(texts)
