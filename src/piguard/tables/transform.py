"""Column transforms: de-identify whole Arrow columns at once, the same way in every table.

A table column holds one entity (``users.mobile``: phone numbers) or free text
(``tickets.body``). A :class:`TransformSet` (one per job) hands out one
:class:`ValueTransform` per (entity, operator) and one :class:`TextTransform` for free text.
Both take an Arrow string array and return one of the same length; nulls stay null, empty
and blank cells stay as they are.

**Consistency.** The operators a copy uses are deterministic and keyed (``surrogate``,
``fpe``, ``hash``, deterministic ``encrypt``): a value becomes the same output in every
column, table and file of a job (and of any job under the same key and options), so foreign
keys, user ids and phone-based joins still join. Free-text spans go through the same
:class:`ValueTransform` as columns: a phone number in a ticket gets the fake the ``mobile``
column gives it.

**Speed.** Each array is dictionary-encoded, so a value is transformed once per batch however
often it repeats. The ``surrogate`` operator draws each fake from a keyed random generator
seeded per value (:mod:`piguard.deid.surrogates`), about 15 µs a value. For the entities that
fill tables, with the operator's default options, this module draws the same kind of fake
from a keyed PRF (BLAKE2b, one call per distinct value) and numpy/Arrow arithmetic over the
whole column, about 1 µs a value (*bulk surrogates*):

================  =========================================================================
entity            bulk fake (same rules as :mod:`piguard.deid.surrogates`)
================  =========================================================================
PHONE_NUMBER      CN mobile → ``154`` + 8 digits (a block no carrier holds); separators and
                  a ``+86`` prefix stay where they were
CN_RESIDENT_ID    unassigned region code (``PP00CC``, never a person's) + a real birth date
                  1940–2005 + sequence + MOD 11-2 check character
BANK_CARD         the same BIN (6 digits), other digits, a Luhn check digit
EMAIL_ADDRESS     ``firstname.NNNNNN@example.com`` / ``.org`` / ``.net`` (RFC 2606)
PERSON_NAME       Han names of 2–4 characters: surname (compound stays compound) + given
                  name of the same length
ADDRESS           province/prefecture/county names + street + number (+ building, unit and
                  room when the original has them)
DATE_OF_BIRTH     ``YYYY-MM-DD`` → another real date 1940–2005, same form
================  =========================================================================

Everything else (landlines, 15-digit IDs, Latin-script names, non-default options, other
operators) goes through the library operator one distinct value at a time, with a bounded
cache. A value always takes the same route (the route depends on its canonical form), so
both routes stay consistent. Bulk fakes are drawn differently from those of
``piguard redact --policy pseudonymize``: the same guarantees, not the same digits.

**Collisions.** A fake space can be smaller than the value space (10⁸ mobile fakes), so two
different values can draw the same fake, which breaks a UNIQUE constraint or doubles a join.
For entities the job marks as *guarded* (those in primary-key, unique or foreign-key
columns) a :class:`CollisionGuard` records which value claimed which fake (64-bit keyed
fingerprints only, 16 bytes per distinct value, in numpy) and redraws a later value that hits
a claimed fake, deterministically (attempt 1, 2, ... of the keyed PRF). Within a job the
mapping stays one-to-one and consistent across tables; the guard is saved with the job state
so a resumed job continues with it.

No value appears in a repr, a log record, an exception or a statistic.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
import hashlib
import hmac
import io
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from piguard.deid import reference, surrogates
from piguard.deid.keys import Keyring
from piguard.deid.operators import Context, Keep, Operator, Surrogate, UnsupportedValue, canonical
from piguard.deid.policy import Policy

__all__ = ["REAL_SPACE", "SURROGATE_TODAY", "CollisionGuard", "ColumnStats", "TextTransform", "TransformSet",
           "ValueTransform", "column_prf", "hash64", "is_injective", "prf_bits"]

# Surrogates whose range depends on "today" (adult birth dates) use this fixed date, so a
# value maps to the same fake whichever day a job runs or resumes.
SURROGATE_TODAY = _dt.date(2025, 1, 1)
PRF_PURPOSE = "surrogate-bulk"
CACHE_MAX = 200_000                  # library-route outputs kept per transform
MAX_ATTEMPTS = 64                    # redraws before a value falls back to a tag
# Entities whose fakes identify someone and may be keys: guarded when they sit in key columns.
GUARDABLE = frozenset({
    "PHONE_NUMBER", "CN_RESIDENT_ID", "CN_RESIDENCE_PERMIT_HMT", "CN_FOREIGNER_PR_ID",
    "BANK_CARD", "BANK_ACCOUNT", "IBAN", "EMAIL_ADDRESS", "CN_QQ", "CN_WECHAT_ID", "IMEI",
    "MEID", "IMSI", "DEVICE_ID", "MAC_ADDRESS", "IP_ADDRESS", "US_SSN", "VIN", "CN_PASSPORT",
    "PASSPORT", "CN_HK_MACAU_PERMIT", "CN_TAIWAN_PERMIT", "CN_EXIT_ENTRY_PERMIT",
    "CN_MILITARY_ID", "CN_SOCIAL_SECURITY_CARD", "CN_LICENSE_PLATE", "CN_USCC",
})
# Fakes of these entities are drawn from the space real values live in (a card keeps its BIN,
# an IMEI its TAC, a QQ number is any digits): a fake could be somebody else's real value. A job
# reserves the originals it copies (:meth:`ValueTransform.reserve`) so that no fake equals one.
# The others are drawn from spaces nobody holds (154 mobiles, PP00CC regions, example.com...).
REAL_SPACE = GUARDABLE - {"PHONE_NUMBER", "CN_RESIDENT_ID", "CN_RESIDENCE_PERMIT_HMT",
                          "CN_FOREIGNER_PR_ID", "EMAIL_ADDRESS", "IP_ADDRESS", "MAC_ADDRESS",
                          "US_SSN"}
_INJECTIVE = frozenset({"keep", "fpe", "hash"})


def is_injective(op: Operator, entity: str, *, guarded: bool = False) -> bool:
    """Whether ``op`` maps different values of ``entity`` to different outputs (so a unique
    or primary-key column stays unique): ``fpe``, ``hash`` (128 bits), deterministic
    ``encrypt`` and ``keep`` always; ``surrogate`` when the job guards the entity."""
    if op.name in _INJECTIVE or (op.name == "encrypt" and op.options.get("deterministic")):
        return True
    if op.name == "replace" and op.options.get("numbered"):
        return True
    return op.name == "surrogate" and guarded and entity in GUARDABLE


def is_deterministic(op: Operator) -> bool:
    """Whether the same value always gives the same output (joins keep working)."""
    return not (op.name == "encrypt" and not op.options.get("deterministic"))


# --------------------------------------------------------------------------- primitives


def prf_bits(key: bytes, values: Sequence[str], attempt: int = 0) -> np.ndarray:
    """Keyed BLAKE2b-256 of each value: an ``(n, 4)`` array of uint64 words.

    ``attempt`` > 0 gives independent bits for redraws (collisions, fake == original).
    """
    blake = hashlib.blake2b
    suffix = f"\x00{attempt}" if attempt else ""
    raw = b"".join([blake((v + suffix).encode("utf-8"), key=key, digest_size=32).digest()
                    for v in values])
    return np.frombuffer(raw, dtype="<u8").reshape(-1, 4)


SHORT_BYTES = 31   # values up to this many UTF-8 bytes use the vectorised AES PRF


def _string_buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray, int]:
    """``(offsets as int64, data bytes, first offset)`` of a string array (slices allowed)."""
    n = len(arr)
    bufs = arr.buffers()
    offs = np.frombuffer(bufs[1], dtype=np.int32, count=n + 1, offset=arr.offset * 4).astype(np.int64)
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    return offs, data, int(offs[0])


def _aes_prf(keys: tuple[bytes, bytes], arr: pa.Array) -> np.ndarray:
    """Two CBC-MACs (AES-128) of each value padded to 32 bytes (``value || 0x80 || 0*``): a
    PRF on these fixed-length inputs, computed for the whole array in C. ``(n, 4)`` uint64."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    n = len(arr)
    offs, data, lo = _string_buffers(arr)
    lengths = np.diff(offs)
    m = np.zeros((n, 32), np.uint8)
    owner = np.repeat(np.arange(n), lengths)
    col = np.arange(int(offs[-1]) - lo) - (offs[:-1] - lo)[owner]
    m[owner, col] = data[lo:int(offs[-1])]
    m[np.arange(n), lengths] = 0x80
    first = m[:, :16].tobytes()
    second = m[:, 16:]
    words = []
    for key in keys:
        enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()  # a PRP, as CBC-MAC's core
        c1 = np.frombuffer(enc.update(first), np.uint8).reshape(n, 16)
        words.append(np.frombuffer(enc.update((c1 ^ second).tobytes()), "<u8").reshape(n, 2))
    return np.concatenate(words, axis=1)


def column_prf(key: bytes, aes_keys: tuple[bytes, bytes], arr: pa.Array) -> np.ndarray:
    """The attempt-0 PRF of each string of ``arr``: AES CBC-MAC for short values (up to
    ``SHORT_BYTES`` bytes), keyed BLAKE2b for the rest. A value always takes the same one."""
    n = len(arr)
    if n == 0:
        return np.zeros((0, 4), np.uint64)
    sizes = np.asarray(pc.binary_length(arr))
    short = sizes <= SHORT_BYTES
    if short.all():
        return _aes_prf(aes_keys, arr)
    out = np.empty((n, 4), np.uint64)
    if short.any():
        idx = np.flatnonzero(short)
        out[idx] = _aes_prf(aes_keys, arr.take(pa.array(idx)))
    idx = np.flatnonzero(~short)
    out[idx] = prf_bits(key, arr.take(pa.array(idx)).to_pylist())
    return out


_P = np.uint64(0x100000001B3)
_LEN_MIX = np.uint64(0x9E3779B97F4A7C15)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


@functools.cache
def _powers(n: int) -> np.ndarray:
    out = np.empty(n, np.uint64)
    out[0] = 1
    if n > 1:
        out[1:] = np.cumprod(np.full(n - 1, _P, np.uint64))
    return out


def _mix(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> _S30)
    h = h * _M1
    h = h ^ (h >> _S27)
    h = h * _M2
    return h ^ (h >> _S31)


def hash64(arr: pa.Array) -> np.ndarray:
    """A stable 64-bit hash of each string of ``arr`` (vectorised; nulls hash to 0).

    Not cryptographic: it names fakes inside a :class:`CollisionGuard`, where a rare false
    match only costs a redraw.
    """
    n = len(arr)
    if n == 0:
        return np.zeros(0, np.uint64)
    if not pa.types.is_string(arr.type):
        arr = arr.cast(pa.string())
    offs, raw, lo = _string_buffers(arr)
    hi = int(offs[-1])
    lengths = np.diff(offs)
    h = np.zeros(n, np.uint64)
    if hi > lo:
        data = raw[lo:hi].astype(np.uint64)
        owner = np.repeat(np.arange(n), lengths)
        from_end = (offs[1:] - lo)[owner] - 1 - np.arange(hi - lo)
        contrib = (data + np.uint64(1)) * _powers(int(lengths.max()) + 1)[from_end]
        nonempty = lengths > 0
        h[nonempty] = np.add.reduceat(contrib, (offs[:-1] - lo)[nonempty])
    h ^= lengths.astype(np.uint64) * _LEN_MIX
    h = _mix(h)
    if arr.null_count:
        h[np.asarray(pc.is_null(arr))] = 0
    return h


def _fixed_width(matrix: np.ndarray) -> pa.Array:
    """An Arrow string array from an ``(n, w)`` matrix of UTF-8 bytes (one string a row)."""
    n, w = matrix.shape
    offsets = np.arange(0, (n + 1) * w, w, dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets),
                                                  pa.py_buffer(np.ascontiguousarray(matrix))])


def _digits(numbers: np.ndarray, width: int) -> np.ndarray:
    """ASCII digit matrix ``(n, width)`` of ``numbers`` (zero-padded, leading digits dropped)."""
    powers = np.uint64(10) ** np.arange(width - 1, -1, -1, dtype=np.uint64)
    return ((numbers.astype(np.uint64)[:, None] // powers) % np.uint64(10)).astype(np.uint8) + 48


def _put(arr: pa.Array, idx: np.ndarray, values: pa.Array) -> pa.Array:
    """``arr`` with positions ``idx`` replaced by ``values``."""
    if not len(idx):
        return arr
    n = len(arr)
    order = np.arange(n)
    order[idx] = n + np.arange(len(idx))
    return pa.concat_arrays([arr, values.cast(arr.type)]).take(pa.array(order))


def _u64(x: int) -> np.uint64:
    return np.uint64(x)


# --------------------------------------------------------------------------- bulk surrogates


_DATE_LO = np.datetime64("1940-01-01")
_DATE_SPAN = int((np.datetime64("2005-12-31") - _DATE_LO).astype(int)) + 1


def _dates(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of ``1940-01-01 + days``."""
    d = _DATE_LO + days.astype("timedelta64[D]")
    years = d.astype("datetime64[Y]")
    months = d.astype("datetime64[M]")
    y = years.astype(np.int64) + 1970
    m = months.astype(np.int64) - (years.astype(np.int64) * 12) + 1
    dd = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return y, m, dd


class _Bulk:
    """A bulk surrogate generator for one entity (default operator options only).

    ``vector_pattern`` (RE2) selects raw values that are already canonical; others go through
    :meth:`canonical` (None: not for this generator) and :meth:`place` (the fake put back into
    the original's layout).
    """

    entity = ""
    vector_pattern = ""

    def vector_canon(self, arr: pa.Array) -> pa.Array:
        return arr

    def canonical(self, value: str) -> str | None:
        raise NotImplementedError

    def generate(self, canon: pa.Array, bits: np.ndarray) -> pa.Array:
        raise NotImplementedError

    def place(self, original: str, canon: str, fake: str) -> str:
        return surrogates.reshape(original, fake)


_MOBILE = re.compile(r"1[3-9][0-9]{9}")


class _Phone(_Bulk):
    entity = "PHONE_NUMBER"
    vector_pattern = r"^1[3-9][0-9]{9}$"

    def canonical(self, value: str) -> str | None:
        c = canonical(self.entity, value)
        return c if _MOBILE.fullmatch(c) else None

    def generate(self, canon: pa.Array, bits: np.ndarray) -> pa.Array:
        m = np.empty((len(canon), 11), np.uint8)
        m[:, :3] = np.frombuffer(surrogates.UNASSIGNED_MOBILE_BLOCK.encode(), np.uint8)
        m[:, 3:] = _digits(bits[:, 0] % _u64(10**8), 8)
        return _fixed_width(m)

    def place(self, original: str, canon: str, fake: str) -> str:
        # The last 11 digits of the original are the national number (after +86 / 0086).
        pos = [i for i, c in enumerate(original) if c.isdecimal()][-11:]
        out = list(original)
        for i, d in zip(pos, fake, strict=True):
            c = original[i]
            out[i] = d if c.isascii() else chr(ord(c) - int(c) + int(d))
        return "".join(out)


_ID_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], np.int64)
_ID_CHECK = np.frombuffer(b"10X98765432", np.uint8)
_ID18 = re.compile(r"[1-8][0-9]{16}[0-9X]")


class _ResidentId(_Bulk):
    entity = "CN_RESIDENT_ID"
    vector_pattern = r"^[1-8][0-9]{16}[0-9X]$"

    @functools.cached_property
    def _regions(self) -> np.ndarray:
        codes = reference.unassigned_regions()
        return np.frombuffer("".join(codes).encode("ascii"), np.uint8).reshape(-1, 6)

    def canonical(self, value: str) -> str | None:
        c = canonical(self.entity, value)
        return c if _ID18.fullmatch(c) else None

    def generate(self, canon: pa.Array, bits: np.ndarray) -> pa.Array:
        n = len(canon)
        m = np.empty((n, 18), np.uint8)
        regions = self._regions
        m[:, :6] = regions[(bits[:, 0] % _u64(len(regions))).astype(np.int64)]
        y, mo, d = _dates(bits[:, 1] % _u64(_DATE_SPAN))
        m[:, 6:10] = _digits(y, 4)
        m[:, 10:12] = _digits(mo, 2)
        m[:, 12:14] = _digits(d, 2)
        m[:, 14:17] = _digits(bits[:, 2] % _u64(1000), 3)
        total = ((m[:, :17].astype(np.int64) - 48) * _ID_WEIGHTS).sum(axis=1) % 11
        m[:, 17] = _ID_CHECK[total]
        return _fixed_width(m)


_CARD = re.compile(r"[0-9]{12,19}")


class _Card(_Bulk):
    entity = "BANK_CARD"
    vector_pattern = r"^[0-9]{12,19}$"

    def canonical(self, value: str) -> str | None:
        c = canonical(self.entity, value)
        return c if _CARD.fullmatch(c) else None

    def generate(self, canon: pa.Array, bits: np.ndarray) -> pa.Array:
        n = len(canon)
        lengths = np.asarray(pc.utf8_length(canon)).astype(np.int64)
        parts: list[pa.Array] = []
        order: list[np.ndarray] = []
        rand = _digits(bits[:, 0] % _u64(10**12), 12)
        for length in np.unique(lengths):
            idx = np.flatnonzero(lengths == length)
            sub = canon.take(pa.array(idx))
            raw = np.frombuffer(sub.buffers()[2], np.uint8)
            start = np.frombuffer(sub.buffers()[1], np.int32, count=1, offset=sub.offset * 4)[0]
            orig = raw[start:start + len(idx) * length].reshape(-1, length)
            m = np.empty((len(idx), length), np.uint8)
            m[:, :6] = orig[:, :6]
            m[:, 6:length - 1] = rand[idx, : length - 7]
            body = m[:, : length - 1].astype(np.int64) - 48
            # Luhn: double every second digit from the right of the body (the check digit
            # will sit to its right).
            doubled = (np.arange(length - 1)[::-1] % 2) == 0
            vals = np.where(doubled, body * 2, body)
            vals = np.where(vals > 9, vals - 9, vals)
            m[:, length - 1] = ((10 - vals.sum(axis=1) % 10) % 10 + 48).astype(np.uint8)
            parts.append(_fixed_width(m))
            order.append(idx)
        return _reorder(parts, order, n)


def _reorder(parts: list[pa.Array], order: list[np.ndarray], n: int) -> pa.Array:
    if len(parts) == 1:
        return parts[0]
    perm = np.concatenate(order)
    inverse = np.empty(n, np.int64)
    inverse[perm] = np.arange(n)
    return pa.concat_arrays(parts).take(pa.array(inverse))


_EMAIL_DOMAINS = pa.array(["example.com", "example.org", "example.net"])
_EMAIL = re.compile(r"[!-?A-~]+@[!-?A-~]+")


class _Email(_Bulk):
    entity = "EMAIL_ADDRESS"
    vector_pattern = r"^[!-?A-~]+@[!-?A-~]+$"

    @functools.cached_property
    def _first(self) -> pa.Array:
        return pa.array([n.lower() for n in reference.en_first_names()])

    def vector_canon(self, arr: pa.Array) -> pa.Array:
        return pc.ascii_lower(arr)

    def canonical(self, value: str) -> str | None:
        c = canonical(self.entity, value)
        return c if _EMAIL.fullmatch(c) else None

    def generate(self, canon: pa.Array, bits: np.ndarray) -> pa.Array:
        first = self._first.take(pa.array((bits[:, 0] % _u64(len(self._first))).astype(np.int64)))
        number = pc.utf8_lpad(pc.cast(pa.array(bits[:, 1] % _u64(10**6)), pa.string()),
                              width=6, padding="0")
        domain = _EMAIL_DOMAINS.take(pa.array((bits[:, 2] % _u64(3)).astype(np.int64)))
        return pc.binary_join_element_wise(first, ".", number, "@", domain, "")

    def place(self, original: str, canon: str, fake: str) -> str:
        return fake


def _is_han(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff" or "\U00020000" <= c <= "\U0002ffff"


class _Name(_Bulk):
    entity = "PERSON_NAME"
    vector_pattern = r"^[\x{4e00}-\x{9fff}]{2,4}$"

    @functools.cached_property
    def _tables(self) -> tuple[pa.Array, pa.Array, pa.Array, pa.Array, pa.Array, pa.Array]:
        single = reference.single_surnames()
        compound = reference.compound_surnames()
        return (pa.array(single[:100]), pa.array(single), pa.array(compound[:10]),
                pa.array(compound), pa.array(reference.given_name_chars()),
                pa.array(sorted(compound)))

    def canonical(self, value: str) -> str | None:
        c = "".join(value.split()).casefold()
        return c if 2 <= len(c) <= 4 and all(_is_han(ch) for ch in c) else None

    def generate(self, canon: pa.Array, bits: np.ndarray) -> pa.Array:
        common, single, common2, compound, given, compound_set = self._tables
        length = np.asarray(pc.utf8_length(canon)).astype(np.int64)
        head = pc.utf8_slice_codeunits(canon, 0, 2)
        is_compound = (length >= 3) & np.asarray(pc.fill_null(pc.is_in(head, compound_set), False))
        w0, w1 = bits[:, 0], bits[:, 1]
        rare = (w0 % _u64(10)) == 0          # 1 in 10 surnames from the whole table

        def pick(table_common: pa.Array, table_all: pa.Array) -> pa.Array:
            a = table_common.take(pa.array(((w0 >> _u64(8)) % _u64(len(table_common))).astype(np.int64)))
            b = table_all.take(pa.array(((w0 >> _u64(8)) % _u64(len(table_all))).astype(np.int64)))
            return pc.if_else(pa.array(rare), b, a)

        surname = pc.if_else(pa.array(is_compound), pick(common2, compound), pick(common, single))
        given_len = length - np.where(is_compound, 2, 1)
        chars = []
        for i in range(3):
            idx = ((w1 >> _u64(16 * i)) % _u64(len(given))).astype(np.int64)
            ch = given.take(pa.array(idx))
            chars.append(pc.if_else(pa.array(given_len > i), ch, pa.nulls(len(canon), pa.string())))
        return pc.binary_join_element_wise(surname, *chars, "", null_handling="skip")

    def place(self, original: str, canon: str, fake: str) -> str:
        stripped = original.strip()
        return original.replace(stripped, fake) if stripped == canon else fake


_ROOM = "室|单元|栋|楼|幢"


class _Address(_Bulk):
    entity = "ADDRESS"
    vector_pattern = r"^[^\s\p{Lu}\p{Lt}]*\p{Han}[^\s\p{Lu}\p{Lt}]*$"

    @functools.cached_property
    def _tables(self) -> tuple[pa.Array, pa.Array, pa.Array]:
        heads = [reference.full_division_name(c) for c in reference.generation_divisions()]
        return (pa.array([h for h in heads if h]), pa.array(list(reference.STREET_WORDS)),
                pa.array(list(reference.STREET_SUFFIXES)))

    def canonical(self, value: str) -> str | None:
        c = "".join(value.split()).casefold()
        return c if any(_is_han(ch) for ch in c) else None

    def generate(self, canon: pa.Array, bits: np.ndarray) -> pa.Array:
        heads, words, suffixes = self._tables
        n = len(canon)
        w0, w1, w2 = bits[:, 0], bits[:, 1], bits[:, 2]

        def take(table: pa.Array, word: np.ndarray, shift: int) -> pa.Array:
            return table.take(pa.array(((word >> _u64(shift)) % _u64(len(table))).astype(np.int64)))

        def number(word: np.ndarray, shift: int, lo: int, hi: int) -> pa.Array:
            return pc.cast(pa.array((word >> _u64(shift)) % _u64(hi - lo + 1) + _u64(lo)), pa.string())

        room = np.asarray(pc.match_substring_regex(canon, _ROOM))
        nulls = pa.nulls(n, pa.string())

        def when(values: pa.Array | str) -> pa.Array:
            arr = values if isinstance(values, pa.Array) else pa.array([values] * n)
            return pc.if_else(pa.array(room), arr, nulls)

        return pc.binary_join_element_wise(
            take(heads, w0, 0), take(words, w1, 0), take(words, w1, 16), take(suffixes, w1, 32),
            number(w2, 0, 1, 399), "号",
            when(number(w2, 16, 1, 29)), when("栋"), when(number(w2, 24, 1, 5)), when("单元"),
            when(number(w2, 32, 1, 32)), when("0"), when(number(w2, 40, 1, 4)), when("室"),
            "", null_handling="skip")

    def place(self, original: str, canon: str, fake: str) -> str:
        return fake


_ISO_DATE = re.compile(r"(19|20)[0-9]{2}-[0-9]{2}-[0-9]{2}")


class _BirthDate(_Bulk):
    entity = "DATE_OF_BIRTH"
    vector_pattern = r"^(19|20)[0-9]{2}-[0-9]{2}-[0-9]{2}$"

    def canonical(self, value: str) -> str | None:
        return value if _ISO_DATE.fullmatch(value) else None

    def generate(self, canon: pa.Array, bits: np.ndarray) -> pa.Array:
        y, m, d = _dates(bits[:, 0] % _u64(_DATE_SPAN))
        out = np.empty((len(canon), 10), np.uint8)
        out[:, 0:4] = _digits(y, 4)
        out[:, 4] = out[:, 7] = ord("-")
        out[:, 5:7] = _digits(m, 2)
        out[:, 8:10] = _digits(d, 2)
        return _fixed_width(out)

    def place(self, original: str, canon: str, fake: str) -> str:
        return fake


_BULK: dict[str, type[_Bulk]] = {g.entity: g for g in (_Phone, _ResidentId, _Card, _Email, _Name,
                                                        _Address, _BirthDate)}


def _bulk_for(op: Operator, entity: str) -> _Bulk | None:
    """The bulk generator when ``op`` is a surrogate with default options (the domain may be
    set: it only selects the key)."""
    if not isinstance(op, Surrogate) or entity not in _BULK:
        return None
    defaults = {k: spec.default for k, spec in op.OPTIONS.items() if k != "domain"}
    if any(op.options.get(k) != v for k, v in defaults.items()):
        return None
    return _BULK[entity]()


# --------------------------------------------------------------------------- collision guard


class CollisionGuard:
    """Which value (64-bit keyed fingerprint) claimed which fake (64-bit hash), per transform.

    :meth:`claim` registers new pairs and answers which values hit a fake another value owns;
    the transform redraws those (attempt 1, 2, ...) and records the attempt, so the value gets
    the same redrawn fake wherever it appears later. Sorted numpy runs, merged from time to
    time, keep memory at 16 bytes per distinct value.
    """

    MAX_RUNS = 8
    RESERVED = np.uint64(0xFFFFFFFFFFFFFFFF)   # owner of an original value: no fake may take it

    def __init__(self) -> None:
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []   # (codes sorted, origins)
        self._attempts: dict[int, int] = {}
        self._redrawn: np.ndarray | None = None
        self.size = 0

    def __repr__(self) -> str:
        return f"CollisionGuard(values={self.size}, redrawn={len(self._attempts)})"

    def attempts(self, origins: np.ndarray) -> np.ndarray:
        """The redraw attempt recorded for each value (0: none)."""
        out = np.zeros(len(origins), np.int64)
        if self._attempts:
            if self._redrawn is None:
                self._redrawn = np.array(sorted(self._attempts), np.uint64)
            hit = np.flatnonzero(np.isin(origins, self._redrawn))
            get = self._attempts.get
            for i in hit.tolist():
                out[i] = get(int(origins[i]), 0)
        return out

    def set_attempts(self, origins: np.ndarray, attempts: np.ndarray) -> None:
        for o, k in zip(origins.tolist(), attempts.tolist(), strict=True):
            self._attempts[o] = k
        self._redrawn = None

    def _lookup(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        found = np.zeros(len(codes), bool)
        owner = np.zeros(len(codes), np.uint64)
        for run_codes, run_origins in self._runs:
            idx = np.searchsorted(run_codes, codes)
            idx[idx >= len(run_codes)] = 0
            hit = (run_codes[idx] == codes) & ~found
            found |= hit
            owner[hit] = run_origins[idx[hit]]
        return found, owner

    def claim(self, origins: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """Register ``(code → origin)`` pairs; True where the code belongs to another value."""
        found, owner = self._lookup(codes)
        conflict = found & (owner != origins)
        new = np.flatnonzero(~found)
        if len(new):
            new_codes = codes[new]
            _, first = np.unique(new_codes, return_index=True)
            winners = new[np.sort(first)]
            losers = np.setdiff1d(new, winners, assume_unique=True)
            # Two new values on one fake: the first (in data order) keeps it.
            if len(losers):
                owner_of = dict(zip(codes[winners].tolist(), origins[winners].tolist(), strict=True))
                for i in losers.tolist():
                    if owner_of[int(codes[i])] != int(origins[i]):
                        conflict[i] = True
            self._add(codes[winners], origins[winners])
        return conflict

    def reserve(self, codes: np.ndarray) -> None:
        """Mark original values' codes as taken: a fake that hits one is redrawn."""
        codes = np.unique(codes)
        if len(codes):
            found, _ = self._lookup(codes)
            new = codes[~found]
            if len(new):
                self._add(new, np.full(len(new), self.RESERVED, np.uint64))

    def _add(self, codes: np.ndarray, origins: np.ndarray) -> None:
        order = np.argsort(codes, kind="stable")
        self._runs.append((codes[order], origins[order]))
        self.size += len(codes)
        if len(self._runs) > self.MAX_RUNS:
            all_codes = np.concatenate([r[0] for r in self._runs])
            all_origins = np.concatenate([r[1] for r in self._runs])
            order = np.argsort(all_codes, kind="stable")
            self._runs = [(all_codes[order], all_origins[order])]

    def to_bytes(self) -> bytes:
        codes = np.concatenate([r[0] for r in self._runs]) if self._runs else np.zeros(0, np.uint64)
        origins = np.concatenate([r[1] for r in self._runs]) if self._runs else np.zeros(0, np.uint64)
        attempts = np.array(sorted(self._attempts.items()), np.uint64).reshape(-1, 2)
        buf = io.BytesIO()
        np.savez_compressed(buf, codes=codes, origins=origins, attempts=attempts)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> CollisionGuard:
        guard = cls()
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            codes, origins, attempts = z["codes"], z["origins"], z["attempts"]
        if len(codes):
            guard._add(codes, origins)
        guard._attempts = {int(o): int(k) for o, k in attempts.tolist()}
        return guard


# --------------------------------------------------------------------------- value transforms


@dataclass(slots=True)
class ColumnStats:
    """What happened to one column (counts only, never values)."""

    values: int = 0          # non-null, non-blank cells
    changed: int = 0         # cells whose output differs from the input
    fallback: int = 0        # cells the operator could not handle: replaced by a tag
    redrawn: int = 0         # distinct values redrawn to avoid a collision
    entities: dict[str, int] = field(default_factory=dict)   # free text: spans per entity
    cells_failed_verification: int = 0
    model_failures: int = 0  # free-text cells the name/address model failed on

    def add(self, other: ColumnStats) -> None:
        self.values += other.values
        self.changed += other.changed
        self.fallback += other.fallback
        self.redrawn += other.redrawn
        self.cells_failed_verification += other.cells_failed_verification
        self.model_failures += other.model_failures
        for e, n in other.entities.items():
            self.entities[e] = self.entities.get(e, 0) + n

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in dataclasses.asdict(self).items() if v}
        out.setdefault("values", self.values)
        return out


def _as_strings(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if pa.types.is_dictionary(arr.type):
        arr = arr.cast(arr.type.value_type)
    if not pa.types.is_string(arr.type):
        arr = arr.cast(pa.string())
    return arr


class ValueTransform:
    """One (entity, operator) over whole columns; shared by every column and free-text span of
    that entity in a job, so equal values give equal outputs everywhere."""

    def __init__(self, entity: str, operator: Operator, ctx: Context, *,
                 guard: CollisionGuard | None = None, cache_size: int = CACHE_MAX):
        operator.check_entity(entity)
        self.entity = entity
        self.operator = operator
        self.ctx = ctx
        self.guard = guard if operator.name == "surrogate" else None
        self.bulk = _bulk_for(operator, entity)
        self._cache: dict[str, str] = {}
        self._cache_size = cache_size
        self._key: bytes | None = None
        self._aes: tuple[bytes, bytes] = (b"", b"")
        self._lib_key: bytes | None = None
        if operator.needs_key:
            _, self._key = ctx.key(operator.name, PRF_PURPOSE, entity, operator.domain)
            _, aes = ctx.key(operator.name, PRF_PURPOSE + "/aes", entity, operator.domain)
            self._aes = (aes[:16], aes[16:])
            if operator.name == "surrogate":
                _, self._lib_key = ctx.key(operator.name, "surrogate", entity, operator.domain)
        self._tag = f"<{entity}>"

    def __repr__(self) -> str:
        return (f"ValueTransform({self.entity}, {self.operator!r}, bulk={self.bulk is not None}, "
                f"guard={self.guard is not None})")

    # -- public ---------------------------------------------------------------------------
    def apply(self, arr: pa.Array | pa.ChunkedArray, stats: ColumnStats | None = None) -> pa.Array:
        """The transformed column (same length; nulls, empty and blank cells unchanged)."""
        arr = _as_strings(arr)
        if len(arr) == 0 or arr.null_count == len(arr):
            return arr
        if isinstance(self.operator, Keep):
            return arr
        enc = pc.dictionary_encode(arr)
        out_dict, fallback = self._distinct(enc.dictionary)
        out = out_dict.take(enc.indices)
        if stats is not None:
            counts = np.bincount(np.asarray(enc.indices.fill_null(0)), minlength=len(enc.dictionary))
            if enc.indices.null_count:
                counts[0] -= enc.indices.null_count
            blank = np.asarray(pc.equal(pc.utf8_trim_whitespace(enc.dictionary), ""))
            stats.values += int(counts[~blank].sum())
            changed = ~np.asarray(pc.equal(out_dict, enc.dictionary))
            stats.changed += int(counts[changed].sum())
            if fallback is not None and len(fallback):
                stats.fallback += int(counts[fallback].sum())
        return out

    def reserve(self, arr: pa.Array | pa.ChunkedArray) -> None:
        """Reserve the original values in ``arr``: no fake of this transform will equal one
        (guarded surrogates only; see :data:`REAL_SPACE`)."""
        if self.guard is None:
            return
        vals = pc.unique(_as_strings(arr).drop_null())
        if not len(vals):
            return
        if self.bulk is not None:
            fast = np.asarray(pc.match_substring_regex(vals, self.bulk.vector_pattern))
            canon = self.bulk.vector_canon(vals.filter(pa.array(fast)))
            rest = vals.filter(pa.array(~fast)).to_pylist()
        else:
            canon, rest = pa.array([], pa.string()), vals.to_pylist()
        others = pa.array([canonical(self.entity, v) for v in rest if v.strip()], pa.string())
        self.guard.reserve(np.concatenate([hash64(canon), hash64(others)]))

    def apply_values(self, values: Sequence[str]) -> list[str]:
        """Transform a few values (free-text spans) the way a column would."""
        if not values:
            return []
        out, _ = self._distinct(pa.array(list(values), pa.string()))
        return out.to_pylist()

    @property
    def redrawn(self) -> int:
        return len(self.guard._attempts) if self.guard is not None else 0

    # -- distinct values --------------------------------------------------------------------
    def _distinct(self, vals: pa.Array) -> tuple[pa.Array, np.ndarray | None]:
        n = len(vals)
        blank = np.asarray(pc.equal(pc.utf8_trim_whitespace(vals), ""))
        if self.bulk is not None:
            fast = np.asarray(pc.match_substring_regex(vals, self.bulk.vector_pattern)) & ~blank
        else:
            fast = np.zeros(n, bool)
        slow = ~fast & ~blank
        parts: list[pa.Array] = []
        order: list[np.ndarray] = []
        fallback_idx: list[int] = []
        if fast.any():
            idx = np.flatnonzero(fast)
            canon = self.bulk.vector_canon(vals.take(pa.array(idx)))  # type: ignore[union-attr]
            parts.append(self._bulk_fakes(canon))
            order.append(idx)
        if blank.any():
            idx = np.flatnonzero(blank)
            parts.append(vals.take(pa.array(idx)))
            order.append(idx)
        if slow.any():
            idx = np.flatnonzero(slow)
            outs, failed = self._slow(vals.take(pa.array(idx)).to_pylist())
            parts.append(pa.array(outs, pa.string()))
            order.append(idx)
            fallback_idx.extend(idx[failed].tolist())
        out = _reorder(parts, order, n)
        return out, np.array(fallback_idx, np.int64) if fallback_idx else None

    def _bulk_fakes(self, canon: pa.Array) -> pa.Array:
        """Bulk fakes for canonical values (guarded and never equal to the original)."""
        assert self.bulk is not None and self._key is not None
        values = canon.to_pylist()
        bits = column_prf(self._key, self._aes, canon)
        origins = bits[:, 3].copy()
        fakes = self._generate(canon, values, bits)
        if self.guard is None:
            return fakes
        tries = self.guard.attempts(origins)
        again = np.flatnonzero(tries > 0)
        if len(again):
            fakes = _put(fakes, again, self._redraw(canon, values, again, tries))
        codes = hash64(fakes)
        pending = np.arange(len(values))
        conflict = self.guard.claim(origins, codes)
        while conflict.any():
            pending = pending[conflict]
            tries[pending] += 1
            if tries[pending].max() > MAX_ATTEMPTS:  # pragma: no cover - astronomically rare
                raise RuntimeError(f"{self.entity}: no free surrogate after {MAX_ATTEMPTS} draws")
            self.guard.set_attempts(origins[pending], tries[pending])
            sub = self._redraw(canon, values, pending, tries)
            fakes = _put(fakes, pending, sub)
            conflict = self.guard.claim(origins[pending], hash64(sub))
        return fakes

    def _redraw(self, canon: pa.Array, values: list[str], idx: np.ndarray,
                tries: np.ndarray) -> pa.Array:
        assert self._key is not None
        parts, order = [], []
        for k in np.unique(tries[idx]):
            sel = idx[tries[idx] == k]
            sub_values = [values[i] for i in sel.tolist()]
            bits = prf_bits(self._key, sub_values, int(k))
            parts.append(self._generate(canon.take(pa.array(sel)), sub_values, bits, int(k)))
            order.append(np.flatnonzero(tries[idx] == k))
        return _reorder(parts, order, len(idx))

    def _generate(self, canon: pa.Array, values: list[str], bits: np.ndarray,
                  attempt: int = 0) -> pa.Array:
        assert self.bulk is not None and self._key is not None
        fakes = self.bulk.generate(canon, bits)
        same = np.flatnonzero(np.asarray(pc.equal(fakes, canon)))
        salt = 1000 + attempt * 100
        while len(same):   # a fake equal to its original: draw again (about 1 in 10^8)
            salt += 1
            sub_values = [values[i] for i in same.tolist()]
            sub = self.bulk.generate(canon.take(pa.array(same)),
                                     prf_bits(self._key, sub_values, salt))
            fakes = _put(fakes, same, sub)
            still = np.asarray(pc.equal(sub, canon.take(pa.array(same))))
            same = same[still]
        return fakes

    # -- one value at a time ------------------------------------------------------------------
    def _slow(self, values: list[str]) -> tuple[list[str], np.ndarray]:
        out: list[str | None] = [None] * len(values)
        failed = np.zeros(len(values), bool)
        pending: dict[str, list[int]] = {}
        cache = self._cache
        for i, v in enumerate(values):
            hit = cache.get(v)
            if hit is not None:
                out[i] = hit
                failed[i] = hit == self._tag and v != self._tag
                continue
            canon = self.bulk.canonical(v) if self.bulk is not None else None
            if canon is not None:
                pending.setdefault(canon, []).append(i)
                continue
            result, ok = self._library(v)
            out[i] = result
            failed[i] = not ok
        if pending:
            canons = list(pending)
            fakes = self._bulk_fakes(pa.array(canons, pa.string())).to_pylist()
            assert self.bulk is not None
            for c, fake in zip(canons, fakes, strict=True):
                for i in pending[c]:
                    out[i] = self.bulk.place(values[i], c, fake)
        if len(cache) + len(values) > self._cache_size:
            cache.clear()
        for v, o in zip(values, out, strict=True):
            cache[v] = o  # type: ignore[assignment]
        return out, failed  # type: ignore[return-value]

    def _library(self, value: str) -> tuple[str, bool]:
        """The library operator on one value: ``(output, handled)``; unhandled → tag."""
        try:
            result = self.operator.apply(value, self.entity, self.ctx)
        except UnsupportedValue:
            return self._fallback(value)
        if self.guard is not None and self._key is not None:
            result = self._guard_one(value, result)
        return result, True

    def _seed(self, value: str, attempt: int) -> bytes:
        assert self._lib_key is not None
        data = canonical(self.entity, value) + (f"\x00{attempt}" if attempt else "")
        return hmac.new(self._lib_key, data.encode("utf-8"), hashlib.sha256).digest()

    def _options(self) -> surrogates.SurrogateOptions:
        o = self.operator.options
        return surrogates.SurrogateOptions(
            region=o["region"], keep_birth=o["keep_birth"], keep_sex=o["keep_sex"],
            keep_surname=o["keep_surname"], keep=o["keep"], keep_domain=o["keep_domain"],
            today=self.ctx.today)

    def _fallback(self, value: str) -> tuple[str, bool]:
        """A value the operator cannot handle: a keyed digits-for-digits, letters-for-letters
        fake for surrogates (no Han text: it could hold a name), else the entity tag."""
        if (self.operator.name == "surrogate" and self._lib_key is not None
                and not any(_is_han(c) for c in value)):
            rng = random.Random(int.from_bytes(self._seed(value, 0), "big"))
            try:
                fake = surrogates.generic(value, rng, self._options(), self.entity)
                if self.guard is not None:
                    fake = self._guard_one(value, fake)
                return fake, True
            except UnsupportedValue:
                pass
        return self._tag, False

    def _guard_one(self, value: str, fake: str) -> str:
        assert self.guard is not None and self._key is not None
        origin = column_prf(self._key, self._aes,
                            pa.array([canonical(self.entity, value)]))[:, 3].copy()
        attempt = int(self.guard.attempts(origin)[0])
        if attempt:
            fake = self._library_attempt(value, attempt)
        while self.guard.claim(origin, hash64(pa.array([canonical(self.entity, fake)])))[0]:
            attempt += 1
            if attempt > MAX_ATTEMPTS:  # pragma: no cover
                raise RuntimeError(f"{self.entity}: no free surrogate after {MAX_ATTEMPTS} draws")
            self.guard.set_attempts(origin, np.array([attempt]))
            fake = self._library_attempt(value, attempt)
        return fake

    def _library_attempt(self, value: str, attempt: int) -> str:
        seed = self._seed(value, attempt)
        try:
            return surrogates.make(self.entity, value, seed, self._options())
        except UnsupportedValue:
            rng = random.Random(int.from_bytes(seed, "big"))
            return surrogates.generic(value, rng, self._options(), self.entity)


# --------------------------------------------------------------------------- free text


class _Precomputed(Operator):
    """Stands in for a policy operator inside the redactor: spans get the outputs their
    :class:`ValueTransform` computed for the whole batch (consistency with columns)."""

    def __init__(self, transform: ValueTransform, table: dict[tuple[str, str], str]):
        # No option validation: this wraps an operator that was validated already.
        self.options = dict(transform.operator.options)
        self.name = transform.operator.name  # type: ignore[misc]
        self.needs_key = transform.operator.needs_key  # type: ignore[misc]
        self._transform = transform
        self._table = table

    def check_entity(self, entity: str) -> None:
        self._transform.operator.check_entity(entity)

    def apply(self, value: str, entity: str, ctx: Context) -> str:
        out = self._table.get((entity, value))
        if out is None:
            out = self._transform.apply_values([value])[0]
        if out == f"<{entity}>" and value != out:
            raise UnsupportedValue("the operator cannot handle this value")
        return out

    def key_id(self, ctx: Context) -> str | None:
        return self._transform.operator.key_id(ctx)

    def __repr__(self) -> str:
        return f"_Precomputed({self._transform!r})"


class TextTransform:
    """Free-text cells through the redactor, span by span, with the job's value transforms."""

    REDACTED = "<REDACTED>"

    def __init__(self, transforms: TransformSet, detector: Any):
        self.transforms = transforms
        self.policy = transforms.policy
        self.detector = detector

    def apply(self, arr: pa.Array | pa.ChunkedArray, stats: ColumnStats | None = None) -> pa.Array:
        from piguard.deid.redactor import VerificationError, redact, resolve_overlaps

        arr = _as_strings(arr)
        if len(arr) == 0 or arr.null_count == len(arr):
            return arr
        enc = pc.dictionary_encode(arr)
        texts: list[str] = enc.dictionary.to_pylist()
        counts = np.bincount(np.asarray(enc.indices.fill_null(0)), minlength=len(texts))
        if enc.indices.null_count:
            counts[0] -= enc.indices.null_count
        policy = self.policy
        threshold = policy.min_score
        failures_before = getattr(self.detector, "model_failures", 0)
        found = []
        for text in texts:
            fs = self.detector.scan(text, min_score=threshold) if text.strip() else []
            found.append(resolve_overlaps(fs, policy))
        # Every span value of an entity, transformed in one call per entity.
        wanted: dict[str, set[str]] = {}
        for text, fs in zip(texts, found, strict=True):
            for f in fs:
                if policy.redacts(f.entity):
                    wanted.setdefault(f.entity, set()).add(text[f.start:f.end])
        table: dict[tuple[str, str], str] = {}
        rules: dict[str, Operator] = {}
        for entity, values in wanted.items():
            vt = self.transforms.value(entity, policy.operator_for(entity))
            ordered = sorted(values)
            for v, o in zip(ordered, vt.apply_values(ordered), strict=True):
                table[(entity, v)] = o
            rules[entity] = _Precomputed(vt, table)
        for entity, op in policy.rules.items():
            if isinstance(op, Keep):
                rules[entity] = op
        lookup = Policy(rules, Keep(), verify=policy.verify, min_score=policy.min_score,
                        name=policy.name)
        out: list[str] = []
        st = stats if stats is not None else ColumnStats()
        for i, (text, fs) in enumerate(zip(texts, found, strict=True)):
            n = int(counts[i])
            if text.strip():
                st.values += n
            if not fs:
                out.append(text)
                continue
            try:
                red = redact(text, lookup, keyring=self.transforms.keyring, findings=fs,
                             detector=self.detector, today=SURROGATE_TODAY)
                new = red.text
                items = red.items
            except VerificationError:
                new, items = self.REDACTED, ()
                st.cells_failed_verification += n
            for it in items:
                st.entities[it.entity] = st.entities.get(it.entity, 0) + n
                if it.operator == "replace" and it.note:
                    st.fallback += n
            if new != text:
                st.changed += n
            out.append(new)
        st.model_failures += getattr(self.detector, "model_failures", 0) - failures_before
        return pa.array(out, pa.string()).take(enc.indices)


# --------------------------------------------------------------------------- the set


class TransformSet:
    """The transforms of one job: one :class:`ValueTransform` per (entity, operator), shared.

    ``guarded`` names the entities whose surrogates must stay one-to-one (they sit in key
    columns); ``guards`` holds their :class:`CollisionGuard` objects by a stable name, to be
    saved with the job state and restored with :meth:`restore_guard`.
    """

    def __init__(self, policy: Policy, keyring: Keyring | None, *,
                 guarded: Iterable[str] = (), today: _dt.date = SURROGATE_TODAY,
                 detector: Any = None):
        self.policy = policy
        self.keyring = keyring
        self.guarded = frozenset(guarded) & GUARDABLE
        self.ctx = Context(keyring=keyring, today=today)
        self.guards: dict[str, CollisionGuard] = {}
        self._values: dict[tuple[str, Operator], ValueTransform] = {}
        self._detector = detector
        self._text: TextTransform | None = None

    def __repr__(self) -> str:
        return f"TransformSet(policy={self.policy.name!r}, transforms={len(self._values)})"

    @staticmethod
    def guard_name(entity: str, operator: Operator) -> str:
        opts = ",".join(f"{k}={v}" for k, v in sorted(operator.options.items()))
        return f"{entity}:{operator.name}:{opts}"

    def restore_guard(self, name: str, data: bytes) -> None:
        self.guards[name] = CollisionGuard.from_bytes(data)

    def value(self, entity: str, operator: Operator) -> ValueTransform:
        key = (entity, operator)
        vt = self._values.get(key)
        if vt is None:
            guard = None
            if operator.name == "surrogate" and entity in self.guarded:
                guard = self.guards.setdefault(self.guard_name(entity, operator), CollisionGuard())
            vt = ValueTransform(entity, operator, self.ctx, guard=guard)
            self._values[key] = vt
        return vt

    def text(self) -> TextTransform:
        if self._text is None:
            detector = self._detector
            if detector is None:
                from piguard.tables.classify import detector as shared_detector

                detector = shared_detector()
            self._text = TextTransform(self, detector)
        return self._text
