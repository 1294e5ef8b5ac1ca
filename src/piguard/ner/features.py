"""Input encoding shared by training (``train/train_ner.py``) and inference.

This module imports only the standard library and numpy, and reads the shipped reference
tables by path, so the training script can load it without the rest of piguard.

A text becomes two arrays:

- ``ids`` (``int32[N]``): one id per character.  Characters of the model's vocabulary have
  their own id; any other character gets the id of its class (CJK ideograph, upper/lower
  case Latin letter, digit, space, other letter, other symbol), so unseen characters still
  carry their shape.
- ``feats`` (``float32[N, F]``): lexicon features that a character window cannot see:
  the character lies in a current administrative-division name (``division``; whole names
  from the shipped GB/T 2260 table and short province/prefecture names), or in a Latin word
  that is a common first name, a common last name, a personal title (Mr, Dr ...), a street
  word (Street, Ave ...), or is capitalised; and whether it begins, lies inside or ends an
  ordinary Chinese word of 2-4 characters (``word_*``: any dictionary match, overlapping
  matches included).  The word list ships only as sorted 64-bit n-gram keys in
  ``model.npz`` (built from jieba's MIT dictionary without its person, place and other
  proper-name entries; see MODEL_CARD.md).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent.parent / "data"

# Reserved ids: 0 is padding; 1..7 are the classes of characters outside the vocabulary.
PAD, UNK_CJK, UNK_UPPER, UNK_LOWER, UNK_DIGIT, UNK_SPACE, UNK_LETTER, UNK_SYMBOL = range(8)
N_RESERVED = 8

FEATURES = ("division", "en_first", "en_last", "en_title", "en_street", "en_cap",
            "word_begin", "word_inside", "word_end")
N_FEATS = len(FEATURES)

EN_TITLES = frozenset("mr mrs ms miss dr prof sir madam mx".split())
EN_STREET_WORDS = frozenset("""street st avenue ave road rd boulevard blvd lane ln drive dr court ct
place pl way terrace parkway pkwy circle highway hwy square sq suite apt apartment unit floor po box
strasse straße str gasse weg gatan vej katu rue via calle avenida rua""".split())


def _is_cjk(cp: int) -> bool:
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF


def char_class(ch: str) -> int:
    """Reserved id of a character outside the vocabulary."""
    cp = ord(ch)
    if _is_cjk(cp) or 0x20000 <= cp <= 0x3FFFF:
        return UNK_CJK
    if ch.isdigit():
        return UNK_DIGIT
    if ch.isspace():
        return UNK_SPACE
    if ch.isalpha():
        if ch.isupper():
            return UNK_UPPER
        if ch.islower():
            return UNK_LOWER
        return UNK_LETTER
    return UNK_SYMBOL


@cache
def _class_table() -> np.ndarray:
    """Class id for every BMP code point (computed once)."""
    table = np.full(0x10000, UNK_SYMBOL, dtype=np.int32)
    table[0x4E00:0xA000] = UNK_CJK
    table[0x3400:0x4DC0] = UNK_CJK
    table[0xF900:0xFB00] = UNK_CJK
    for cp in range(0x10000):
        if table[cp] == UNK_SYMBOL and not 0xD800 <= cp <= 0xDFFF:
            table[cp] = char_class(chr(cp))
    return table


class CharTable:
    """Maps text to ids through a code-point table (vectorised, no per-character Python)."""

    def __init__(self, vocab: str):
        self.vocab = vocab
        table = _class_table().copy()
        self.astral: dict[int, int] = {}
        for i, ch in enumerate(vocab):
            cp = ord(ch)
            if cp < 0x10000:
                table[cp] = N_RESERVED + i
            else:
                self.astral[cp] = N_RESERVED + i
        self.table = table
        self.size = N_RESERVED + len(vocab)

    def ids(self, text: str) -> np.ndarray:
        cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        if len(cps) and int(cps.max()) >= 0x10000:
            out = np.empty(len(cps), dtype=np.int32)
            small = cps < 0x10000
            out[small] = self.table[cps[small]]
            for i in np.flatnonzero(~small):
                cp = int(cps[i])
                out[i] = self.astral.get(cp, char_class(chr(cp)))
            return out
        return self.table[cps]


# --- lexicon features ----------------------------------------------------------------------------


_SHORT_SPECIAL = {
    "内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "西藏自治区": "西藏", "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆", "香港特别行政区": "香港", "澳门特别行政区": "澳门",
}


def _short(name: str) -> str | None:
    if name in _SHORT_SPECIAL:
        return _SHORT_SPECIAL[name]
    for suf in ("省", "市", "地区", "盟"):
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            return name[: -len(suf)]
    return None


@cache
def division_names(data_dir: str = str(DATA)) -> tuple[str, ...]:
    """Current division names (full) plus short province/prefecture names of 2+ characters."""
    names: set[str] = set()
    lines = (Path(data_dir) / "division_codes.csv").read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        _code, name, _first, last, kind = line.split(",")
        if last or kind not in ("province", "prefecture", "county"):
            continue
        if len(name) >= 2 and name not in ("市辖区", "县", "矿区", "郊区", "城区"):
            names.add(name)
        if kind in ("province", "prefecture"):
            short = _short(name)
            if short and len(short) >= 2:
                names.add(short)
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


def _read_list(path: Path) -> list[str]:
    return [ln.split("\t")[0].strip() for ln in path.read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.lstrip().startswith("#")]


_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


_U21, _U42 = np.uint64(21), np.uint64(42)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def ngram_keys(cps: np.ndarray, n: int) -> np.ndarray:
    """A 64-bit key for every n-gram of a code-point array (exact for n <= 3; for longer
    n-grams a multiplicative hash, extended one character at a time)."""
    m = len(cps) - n + 1
    if m <= 0 or n < 2:
        return np.zeros(0, dtype=np.uint64)
    c = cps.astype(np.uint64)
    if n == 2:
        return (c[:m] << _U21) | c[1:m + 1]
    key = (c[:m] << _U42) | (c[1:m + 1] << _U21) | c[2:m + 2]
    for j in range(3, n):
        key = (key * _MIX) ^ c[j:m + j]
    return key


def all_keys(cps: np.ndarray, lengths) -> dict[int, np.ndarray]:
    """``ngram_keys`` for several lengths at once (each extends the previous one)."""
    out: dict[int, np.ndarray] = {}
    n_max = max(lengths)
    if len(cps) < 2:
        return out
    c = cps.astype(np.uint64)
    key = None
    for n in range(2, n_max + 1):
        m = len(c) - n + 1
        if m <= 0:
            break
        if n == 2:
            key = (c[:-1] << _U21) | c[1:]
        elif n == 3:
            key = (c[:m] << _U42) | (c[1:m + 1] << _U21) | c[2:m + 2]
        else:
            key = (key[:m] * _MIX) ^ c[n - 1:m + n - 1]
        if n in lengths:
            out[n] = key
    return out


def word_keys(words) -> dict[int, np.ndarray]:
    """Sorted keys per length of a word list."""
    by_len: dict[int, list[np.ndarray]] = {}
    for w in words:
        if len(w) >= 2:
            by_len.setdefault(len(w), []).append(ngram_keys(codepoints(w), len(w)))
    return {n: np.unique(np.concatenate(ks)) for n, ks in sorted(by_len.items())}


def _tag(n: int) -> np.uint64:
    """Per-length tag of a key (Python int arithmetic: no numpy scalar overflow warning)."""
    return np.uint64((n * 0xD6E8FEB86659FD93) & 0xFFFFFFFFFFFFFFFF)



class KeySet:
    """n-gram keys of several lengths in one sorted table (each key tagged with its length),
    with a bitmap prefilter: one gather per n-gram, and the binary search only for the few
    n-grams that pass it."""

    def __init__(self, keys: dict[int, np.ndarray]):
        self.keys = {n: a for n, a in keys.items() if len(a)}
        self.lengths = sorted(self.keys)
        self.tags = {n: _tag(n) for n in self.lengths}
        if not self.keys:
            return
        table = np.unique(np.concatenate([a ^ _tag(n) for n, a in self.keys.items()]))
        size = 1 << max(12, min(22, int(len(table) * 16).bit_length()))
        self.shift = np.uint64(64 - (size.bit_length() - 1))
        self.bitmap = np.zeros(size, dtype=bool)
        self.bitmap[(table * _MIX) >> self.shift] = True
        self.table = table

    def __bool__(self) -> bool:
        return bool(self.keys)

    def hits(self, cps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(lengths, starts) of every match, as two arrays."""
        empty = np.zeros(0, dtype=np.int64)
        if not self.keys:
            return empty, empty
        grams = all_keys(cps, set(self.lengths))
        if not grams:
            return empty, empty
        ns = list(grams)
        tagged = np.concatenate([grams[n] ^ self.tags[n] for n in ns])
        cand = np.flatnonzero(self.bitmap[(tagged * _MIX) >> self.shift])
        if not len(cand):
            return empty, empty
        kc = tagged[cand]
        i = np.searchsorted(self.table, kc)
        np.minimum(i, len(self.table) - 1, out=i)
        found = cand[self.table[i] == kc]
        if not len(found):
            return empty, empty
        bounds = np.cumsum([len(grams[n]) for n in ns])
        which = np.searchsorted(bounds, found, side="right")
        lengths = np.array(ns, dtype=np.int64)[which]
        starts = found - np.concatenate(([0], bounds[:-1]))[which]
        return lengths, starts


def codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


class Lexicon:
    """Compiled lexicon matchers; build once."""

    WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['’][A-Za-z\u00c0-\u024f]+)?")

    def __init__(self, data_dir: str = str(DATA), words: dict[int, np.ndarray] | None = None):
        self.words = KeySet(words or {})
        self.division = KeySet(word_keys(division_names(data_dir)))
        d = Path(data_dir)
        self.first = frozenset(n.lower() for n in _read_list(d / "en_first_names.txt"))
        self.last = frozenset(n.lower() for n in _read_list(d / "en_last_names.txt"))
        # lower-case ASCII word -> the feature columns it sets (1 first, 2 last, 3 title, 4 street)
        kinds: dict[str, tuple[int, ...]] = {}
        for col, ws in ((1, self.first), (2, self.last), (3, EN_TITLES), (4, EN_STREET_WORDS)):
            for w in ws:
                if w.isascii():
                    kinds[w] = (*kinds.get(w, ()), col)
        self.kinds = kinds

    def is_en_name(self, word: str) -> bool:
        """``word`` is in the shipped US Census first- or last-name lists."""
        w = word.lower()
        return w in self.first or w in self.last

    def feats(self, text: str) -> np.ndarray:
        f = np.zeros((len(text), N_FEATS), dtype=np.float32)
        if not text.isascii() and _CJK.search(text) is not None:
            cps = codepoints(text)
            cover = np.zeros(len(text) + 1, dtype=np.int32)
            lengths, starts = self.division.hits(cps)
            if len(starts):
                np.add.at(cover, starts, 1)
                np.add.at(cover, starts + lengths, -1)
            f[:, 0] = np.cumsum(cover[:-1]) > 0
            if self.words:
                self._word_feats(cps, f)
            if _LATIN.search(text) is None:
                return f
        # word spans per feature column (1 en_first, 2 en_last, 3 en_title, 4 en_street,
        # 5 en_cap), then each column filled at once from its span starts and ends
        cols: tuple[list[int], ...] = ([], [], [], [], [], [])
        kinds = self.kinds
        for m in self.WORD.finditer(text):
            w = m.group()
            if w[0].isupper():
                cols[5].extend(m.span())
            ks = kinds.get(w.lower())
            if ks:
                span = m.span()
                for k in ks:
                    cols[k].extend(span)
        n = len(text)
        for k in range(1, 6):
            if cols[k]:
                b = np.asarray(cols[k], dtype=np.int64)
                cover = np.bincount(b[0::2], minlength=n + 1) - np.bincount(b[1::2], minlength=n + 1)
                f[:, k] = np.cumsum(cover[:n]) > 0
        return f

    def _word_feats(self, cps: np.ndarray, f: np.ndarray) -> None:
        lengths, starts = self.words.hits(cps)
        if not len(starts):
            return
        f[starts, 6] = 1.0
        f[starts + lengths - 1, 8] = 1.0
        f[starts[lengths >= 3] + 1, 7] = 1.0
        f[starts[lengths >= 4] + 2, 7] = 1.0
        for extra in range(3, int(lengths.max()) - 1):
            f[starts[lengths >= extra + 2] + extra, 7] = 1.0
