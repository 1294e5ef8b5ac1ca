"""Operators: what happens to one detected value. Each is a small class with one contract.

``Operator(**options)`` validates its options when it is built (a policy builds them on
load, so a bad option is a load error), :meth:`Operator.check_entity` says whether it can
handle an entity, and :meth:`Operator.apply` turns one value into its replacement. An
operator that cannot handle one particular value raises :class:`UnsupportedValue`; the
redactor then replaces that span with a tag (fail closed) and records it.

==============  =====  ==========  ====================================================
operator        key?   reversible  output
==============  =====  ==========  ====================================================
``keep``        no     —           the value unchanged (an explicit opt-out)
``redact``      no     no          ``text`` option, default nothing
``replace``     no     no          ``<PHONE_NUMBER_1>``: numbered per value within a call
``mask``        no     no          ``138****8000``, ``110105********002X``, ``张*``,
                                   ``622202******0128``, ``北京市朝阳区******``
``hash``        yes    no          ``<PHONE_NUMBER:hash:KEYID:26 base32 chars>``:
                                   HMAC-SHA256 of the canonical value, 128 bits
``encrypt``     yes    yes         ``<PHONE_NUMBER:enc:KEYID:base64url>`` (AES-256-GCM,
                                   random nonce) or ``<…:det:KEYID:…>`` (AES-256-SIV,
                                   deterministic, ``deterministic = true``: joinable)
``fpe``         yes    yes         same length and separators, digits FF1-encrypted,
                                   check digit (MOD 11-2, Luhn) recomputed
``surrogate``   yes    no          a format-valid fake, the same for the same value
                                   (:mod:`piguard.deid.surrogates`)
``generalize``  no     no          birth date → year / decade / age band; address →
                                   province / city / district; ID → region + decade;
                                   IP → /24 (/48); coordinates → 2 decimals
``date_shift``  yes    no          the date moved by a keyed offset of ±1..``max_days``
                                   days, the same offset for every date of a subject
==============  =====  ==========  ====================================================

Keys: each keyed operator takes a sub-key from the keyring for (its purpose, the entity,
the ``domain`` option), so outputs are separated per purpose, entity and domain; a key id
sits in every hash and encryption token, so tokens made before a key rotation stay
readable. The token grammar (:data:`TOKEN_RE`) is what :func:`piguard.deid.redactor.reidentify`
looks for; FPE output cannot be told apart from real digits, so its positions travel in the
redaction items instead (see the redactor).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as _dt
import functools
import hashlib
import hmac
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, AESSIV

from piguard.deid import surrogates
from piguard.deid.address import LEVELS, admin_prefix_end
from piguard.deid.dates import age_band, age_on, parse_date
from piguard.deid.ff1 import FF1
from piguard.deid.keys import HOW_TO_MAKE_A_KEY, Keyring, MissingKeyError
from piguard.deid.surrogates import UnsupportedValue, compact
from piguard.detect import checks
from piguard.detect.preview import MASK_CHAR, keep_separated, mask_style
from piguard.entities import CATALOGUE

__all__ = ["OPERATORS", "TOKEN_RE", "Context", "Operator", "OperatorError", "UnsupportedValue",
           "canonical", "decrypt_token", "fpe_decrypt", "make_operator"]

_AAD = b"piguard/v1"
ID_ENTITIES = surrogates.ID_ENTITIES
TOKEN_RE = re.compile(r"<([A-Z][A-Z0-9_]*):(enc|det):([a-z2-7]{8}):([A-Za-z0-9_-]{16,})>")


class OperatorError(ValueError):
    """An operator was configured wrongly (bad option, unsupported entity)."""


# -- canonical values (for hashing, numbering and surrogate seeds) -----------------------------
_PHONE_CC = re.compile(r"^(?:0086|86)(?=1\d{10}$)")


def canonical(entity: str, value: str) -> str:
    """The form two spellings of one value share: ``138-1234-5678`` ≡ ``+86 13812345678``."""
    v = unicodedata.normalize("NFKC", value).strip()
    if entity == "PHONE_NUMBER":
        digits = "".join(c for c in v if c.isdigit())
        return _PHONE_CC.sub("", digits)
    if entity == "EMAIL_ADDRESS":
        return v.lower()
    if entity in ("PERSON_NAME", "ADDRESS"):
        return "".join(v.split()).casefold()
    if entity in ("IP_ADDRESS", "MAC_ADDRESS", "DEVICE_ID"):
        return v.lower()
    return "".join(c for c in v if c not in surrogates._SEPARATORS).upper()


# -- context ----------------------------------------------------------------------------------
@dataclass
class Context:
    """State shared by the operators during one redaction call (one document)."""

    keyring: Keyring | None = None
    subject: str = ""
    today: _dt.date | None = None
    numbers: dict[tuple[str, str], int] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)

    def key(self, operator: str, purpose: str, entity: str, domain: str,
            length: int = 32, key_id: str | None = None) -> tuple[str, bytes]:
        if self.keyring is None:
            raise MissingKeyError(f"the {operator!r} operator (used for {entity}) needs a key; "
                                  + HOW_TO_MAKE_A_KEY)
        return self.keyring.subkey(purpose, entity, domain, key_id=key_id, length=length)

    def number(self, entity: str, value: str) -> int:
        key = (entity, canonical(entity, value))
        n = self.numbers.get(key)
        if n is None:
            n = self.counters.get(entity, 0) + 1
            self.counters[entity] = n
            self.numbers[key] = n
        return n

    def __repr__(self) -> str:
        return f"Context(keyring={self.keyring!r}, values={len(self.numbers)})"


# -- option specs -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Option:
    type: type | tuple[type, ...]
    default: Any
    choices: tuple[Any, ...] | None = None
    check: Callable[[Any], str | None] | None = None   # returns an error message or None
    help: str = ""


def _int_range(lo: int, hi: int) -> Callable[[Any], str | None]:
    return lambda v: None if lo <= v <= hi else f"must be between {lo} and {hi}"


_DOMAIN = Option(str, "", help="separates outputs per purpose or recipient")


class Operator:
    """Base class. Subclasses set ``name``, ``OPTIONS`` and implement :meth:`apply`."""

    name: ClassVar[str] = ""
    needs_key: ClassVar[bool] = False
    reversible: ClassVar[bool] = False
    OPTIONS: ClassVar[dict[str, Option]] = {}

    def __init__(self, **options: Any):
        unknown = sorted(set(options) - set(self.OPTIONS))
        if unknown:
            known = ", ".join(sorted(self.OPTIONS)) or "none"
            raise OperatorError(f"unknown option {unknown[0]!r} for operator {self.name!r} "
                                f"(options: {known})")
        self.options: dict[str, Any] = {}
        for name, spec in self.OPTIONS.items():
            value = options.get(name, spec.default)
            if value is not None or spec.default is not None:
                if (spec.type is int and isinstance(value, bool)) or not isinstance(value, spec.type):
                    tname = spec.type.__name__ if isinstance(spec.type, type) else "/".join(
                        t.__name__ for t in spec.type)
                    raise OperatorError(f"option {name!r} of {self.name!r} must be {tname}")
                if spec.choices is not None and value not in spec.choices:
                    raise OperatorError(f"option {name!r} of {self.name!r} must be one of "
                                        f"{', '.join(map(str, spec.choices))}")
                if spec.check is not None and (msg := spec.check(value)):
                    raise OperatorError(f"option {name!r} of {self.name!r} {msg}")
            self.options[name] = value

    def check_entity(self, entity: str) -> None:
        """Raise :class:`OperatorError` if this operator cannot handle ``entity``."""

    def apply(self, value: str, entity: str, ctx: Context) -> str:
        raise NotImplementedError

    def key_id(self, ctx: Context) -> str | None:
        """The id of the key this operator uses in ``ctx`` (for the redaction items)."""
        if self.needs_key and ctx.keyring is not None:
            return ctx.keyring.active.id
        return None

    @property
    def domain(self) -> str:
        return str(self.options.get("domain") or "")

    def __repr__(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in self.options.items()
                         if v != self.OPTIONS[k].default)
        return f"{type(self).__name__}({opts})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.options == self.options  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((self.name, tuple(sorted((k, repr(v)) for k, v in self.options.items()))))


# -- keep, redact, replace --------------------------------------------------------------------
class Keep(Operator):
    name = "keep"

    def apply(self, value: str, entity: str, ctx: Context) -> str:
        return value


class Redact(Operator):
    name = "redact"
    OPTIONS: ClassVar[dict[str, Option]] = {"text": Option(str, "", help="what to put instead")}

    def apply(self, value: str, entity: str, ctx: Context) -> str:
        return self.options["text"]


def _check_template(template: str) -> str | None:
    try:
        template.format(entity="E", n=1)
    except (KeyError, IndexError, ValueError):
        return "may only use {entity} and {n}"
    return None


class Replace(Operator):
    name = "replace"
    OPTIONS: ClassVar[dict[str, Option]] = {
        "format": Option(str, "<{entity}_{n}>", check=_check_template),
        "numbered": Option(bool, True, help="number values (the same value, the same number)"),
    }

    def apply(self, value: str, entity: str, ctx: Context) -> str:
        if not self.options["numbered"]:
            return self.options["format"].replace("_{n}", "").replace("{n}", "").format(
                entity=entity)
        return self.options["format"].format(entity=entity, n=ctx.number(entity, value))


# -- mask -------------------------------------------------------------------------------------
_STYLES = ("id", "phone", "email", "name", "address", "ip", "all")
MASK_DEFAULTS: dict[str, tuple[int, int]] = {"BANK_CARD": (6, 4)}


class Mask(Operator):
    name = "mask"
    OPTIONS: ClassVar[dict[str, Option]] = {
        "char": Option(str, MASK_CHAR, check=lambda v: None if len(v) == 1 else "must be 1 character"),
        "keep_first": Option(int, None, check=_int_range(0, 64)),
        "keep_last": Option(int, None, check=_int_range(0, 64)),
        "style": Option(str, None, check=lambda v: None if v in _STYLES or re.fullmatch(
            r"keep:\d+:\d+", v) else f"must be one of {', '.join(_STYLES)} or keep:F:L"),
    }

    def check_entity(self, entity: str) -> None:
        if entity in ID_ENTITIES:
            first, last = self.options["keep_first"], self.options["keep_last"]
            if (first is not None and first > 6) or (last is not None and last > 4):
                raise OperatorError(f"mask for {entity} keeps at most the first 6 and last 4 "
                                    "characters, so that the birth date stays hidden")

    def _id(self, value: str, char: str) -> str:
        first = self.options["keep_first"]
        last = self.options["keep_last"]
        first = 6 if first is None else min(first, 6)
        last = 2 if last is None else min(last, 4)
        n = len([c for c in value if c not in surrogates._SEPARATORS])
        if n == 15:
            last = min(last, 3)  # the birth date ends at position 12 of a legacy number
        elif n != 18:
            first, last = min(first, 1), min(last, 1)
        return keep_separated(value, first, last, char, half=False)

    def apply(self, value: str, entity: str, ctx: Context) -> str:
        char = self.options["char"]
        first, last, style = (self.options["keep_first"], self.options["keep_last"],
                              self.options["style"])
        if entity in ID_ENTITIES and (style is None or style == "id"):
            return self._id(value, char)
        if first is not None or last is not None:
            return keep_separated(value, first or 0, last or 0, char, half=False)
        if style is None and entity in MASK_DEFAULTS:
            f, lst = MASK_DEFAULTS[entity]
            return keep_separated(value, f, lst, char, half=False)
        style = style or (CATALOGUE[entity].mask if entity in CATALOGUE else "all")
        return mask_style(style, value, char)


# -- hash -------------------------------------------------------------------------------------
def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=").lower()


class Hash(Operator):
    name = "hash"
    needs_key = True
    OPTIONS: ClassVar[dict[str, Option]] = {
        "bits": Option(int, 128, check=lambda v: None if 96 <= v <= 256 and v % 8 == 0
                       else "must be a multiple of 8 between 96 and 256"),
        "domain": _DOMAIN,
        "tag": Option(bool, True, help="<ENTITY:hash:KEYID:…> (false: KEYID:…)"),
        "canonical": Option(bool, True, help="hash the canonical form (joins across spellings)"),
    }

    def digest(self, value: str, entity: str, ctx: Context) -> tuple[str, str]:
        kid, key = ctx.key(self.name, "hash", entity, self.domain)
        data = canonical(entity, value) if self.options["canonical"] else value
        mac = hmac.new(key, data.encode("utf-8"), hashlib.sha256).digest()
        return kid, _b32(mac[: self.options["bits"] // 8])

    def apply(self, value: str, entity: str, ctx: Context) -> str:
        kid, h = self.digest(value, entity, ctx)
        return f"<{entity}:hash:{kid}:{h}>" if self.options["tag"] else f"{kid}:{h}"


# -- encrypt ----------------------------------------------------------------------------------
def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@functools.lru_cache(maxsize=256)
def _siv(key: bytes) -> AESSIV:
    return AESSIV(key)


@functools.lru_cache(maxsize=256)
def _gcm(key: bytes) -> AESGCM:
    return AESGCM(key)


class Encrypt(Operator):
    name = "encrypt"
    needs_key = True
    reversible = True
    OPTIONS: ClassVar[dict[str, Option]] = {
        "deterministic": Option(bool, False, help="AES-SIV: equal values give equal tokens"),
        "domain": _DOMAIN,
    }

    def apply(self, value: str, entity: str, ctx: Context) -> str:
        data = value.encode("utf-8")
        if self.options["deterministic"]:
            kid, key = ctx.key(self.name, "encrypt-det", entity, self.domain, length=64)
            return f"<{entity}:det:{kid}:{_b64e(_siv(key).encrypt(data, [_AAD]))}>"
        kid, key = ctx.key(self.name, "encrypt", entity, self.domain)
        nonce = os.urandom(12)
        return f"<{entity}:enc:{kid}:{_b64e(nonce + _gcm(key).encrypt(nonce, data, _AAD))}>"


class TokenError(ValueError):
    """A token could not be decrypted (wrong key or domain, or altered)."""


def decrypt_token(entity: str, mode: str, key_id: str, payload: str, keyring: Keyring,
                  domain: str = "") -> str:
    """The plaintext of an encryption token's parts (see :data:`TOKEN_RE`)."""
    try:
        raw = _b64d(payload)
    except (ValueError, TypeError):
        raise TokenError("token payload is not base64url") from None
    try:
        if mode == "det":
            _, key = keyring.subkey("encrypt-det", entity, domain, key_id=key_id, length=64)
            data = _siv(key).decrypt(raw, [_AAD])
        else:
            _, key = keyring.subkey("encrypt", entity, domain, key_id=key_id)
            if len(raw) < 12 + 16:
                raise TokenError("token too short")
            data = _gcm(key).decrypt(raw[:12], raw[12:], _AAD)
    except InvalidTag:
        raise TokenError(f"{entity} token under key {key_id} failed authentication "
                         "(another domain, or the token was altered)") from None
    return data.decode("utf-8")


# -- fpe --------------------------------------------------------------------------------------
_MOD11_ALPHABET = "0123456789X"
FPE_MIN_DIGITS = 6


@dataclass(frozen=True, slots=True)
class _FpeLayout:
    positions: list[int]          # positions of the digits in the value (the numeral string)
    values: list[int]
    first: int                    # digits kept at the front
    last: int                     # digits kept at the back (after the encrypted run)
    check: str | None             # "luhn" or "mod11": the check char is recomputed
    check_pos: int | None         # position of the check character in the value


def _fpe_layout(value: str, entity: str, keep_first: int | None, keep_last: int | None) -> _FpeLayout:
    positions = [i for i, c in enumerate(value) if c.isdecimal()]
    values = [unicodedata.decimal(value[i]) for i in positions]
    check: str | None = None
    check_pos: int | None = None
    first, last = 0, 0
    comp = compact(value).upper()
    if entity in ID_ENTITIES and len(comp) == 18 and comp[:17].isdigit() and comp[17] in _MOD11_ALPHABET:
        check = "mod11"
        check_pos = max(i for i, c in enumerate(value) if c not in surrogates._SEPARATORS)
        if positions and positions[-1] == check_pos:
            positions, values = positions[:-1], values[:-1]
    elif entity in ("BANK_CARD", "IMEI") and comp.isdigit() and (entity == "BANK_CARD" or len(comp) == 15):
        check = "luhn"
        check_pos = positions[-1]
        positions, values = positions[:-1], values[:-1]
        first = 6 if entity == "BANK_CARD" else 8
    elif entity == "PHONE_NUMBER":
        first = max(len(positions) - 8, 0)
    if keep_first is not None:
        first = keep_first
    if keep_last is not None:
        last = keep_last
    return _FpeLayout(positions, values, first, last, check, check_pos)


def _check_index(check: str, digits: list[int]) -> int:
    body = "".join(map(str, digits))
    if check == "luhn":
        return int(checks.luhn_check_digit(body))
    return _MOD11_ALPHABET.index(checks.mod11_2_check(body))


def _fpe(value: str, entity: str, key: bytes, options: dict[str, Any], *, decrypt: bool) -> str:
    lay = _fpe_layout(value, entity, options.get("keep_first"), options.get("keep_last"))
    n = len(lay.values)
    lo, hi = lay.first, n - lay.last
    if hi - lo < FPE_MIN_DIGITS:
        raise UnsupportedValue(f"fpe needs at least {FPE_MIN_DIGITS} digits to encrypt")
    kept = "".join(map(str, lay.values[:lo])) + "|" + "".join(map(str, lay.values[hi:]))
    tweak = f"{entity}|{n}|{kept}".encode()
    ff1 = _ff1(key)
    middle = lay.values[lo:hi]
    new_middle = (ff1.decrypt_numerals if decrypt else ff1.encrypt_numerals)(middle, tweak)
    new_values = lay.values[:lo] + new_middle + lay.values[hi:]
    out = list(value)
    for pos, old_v, new_v in zip(lay.positions, lay.values, new_values, strict=True):
        out[pos] = chr(ord(value[pos]) - old_v + new_v)
    if lay.check is not None and lay.check_pos is not None:
        mod = 10 if lay.check == "luhn" else 11
        alphabet = _MOD11_ALPHABET if mod == 11 else "0123456789"
        cur = value[lay.check_pos]
        cur_idx = alphabet.index(str(unicodedata.decimal(cur)) if cur.isdecimal() else cur.upper())
        delta = (cur_idx - _check_index(lay.check, lay.values)) % mod
        new_idx = (_check_index(lay.check, new_values) + delta) % mod
        new_char = alphabet[new_idx]
        if cur.isdecimal() and not cur.isascii() and new_char.isdigit():
            new_char = chr(ord(cur) - unicodedata.decimal(cur) + int(new_char))
        out[lay.check_pos] = new_char
    return "".join(out)


@functools.lru_cache(maxsize=256)
def _ff1(key: bytes) -> FF1:
    return FF1(key, 10)


class Fpe(Operator):
    name = "fpe"
    needs_key = True
    reversible = True
    OPTIONS: ClassVar[dict[str, Option]] = {
        "domain": _DOMAIN,
        "keep_first": Option(int, None, check=_int_range(0, 32), help="digits left in clear"),
        "keep_last": Option(int, None, check=_int_range(0, 32)),
    }

    def apply(self, value: str, entity: str, ctx: Context) -> str:
        _, key = ctx.key(self.name, "fpe", entity, self.domain)
        return _fpe(value, entity, key, self.options, decrypt=False)


def fpe_decrypt(value: str, entity: str, keyring: Keyring, key_id: str, domain: str = "",
                keep_first: int | None = None, keep_last: int | None = None) -> str:
    """Undo :class:`Fpe` on ``value`` (the redaction item says entity, key id and domain)."""
    _, key = keyring.subkey("fpe", entity, domain, key_id=key_id)
    return _fpe(value, entity, key, {"keep_first": keep_first, "keep_last": keep_last},
                decrypt=True)


# -- surrogate --------------------------------------------------------------------------------
class Surrogate(Operator):
    name = "surrogate"
    needs_key = True
    OPTIONS: ClassVar[dict[str, Option]] = {
        "domain": _DOMAIN,
        "region": Option(str, "unassigned", choices=surrogates.REGION_CHOICES),
        "keep_birth": Option(str, "none", choices=surrogates.BIRTH_CHOICES),
        "keep_sex": Option(bool, False),
        "keep_surname": Option(bool, False),
        "keep": Option(str, "none", choices=surrogates.ADDRESS_KEEP_CHOICES),
        "keep_domain": Option(bool, False),
    }

    def __init__(self, **options: Any):
        super().__init__(**options)
        o = self.options
        self._opts = surrogates.SurrogateOptions(
            region=o["region"], keep_birth=o["keep_birth"], keep_sex=o["keep_sex"],
            keep_surname=o["keep_surname"], keep=o["keep"], keep_domain=o["keep_domain"])

    def check_entity(self, entity: str) -> None:
        if not surrogates.supports(entity):
            raise OperatorError(f"surrogate has no fake for {entity}; use replace or redact")

    def apply(self, value: str, entity: str, ctx: Context) -> str:
        _, key = ctx.key(self.name, "surrogate", entity, self.domain)
        seed = hmac.new(key, canonical(entity, value).encode("utf-8"), hashlib.sha256).digest()
        opts = self._opts if ctx.today is None else dataclasses.replace(self._opts, today=ctx.today)
        return surrogates.make(entity, value, seed, opts)


# -- generalize -------------------------------------------------------------------------------
GENERALIZABLE = frozenset({"DATE_OF_BIRTH", "ADDRESS", "IP_ADDRESS", "GEO_COORDINATE",
                           *ID_ENTITIES})
_COORD = re.compile(r"-?\d{1,3}\.\d+")


class Generalize(Operator):
    name = "generalize"
    OPTIONS: ClassVar[dict[str, Option]] = {
        "birth": Option(str, None, choices=("year", "decade", "age_band", "none"),
                        help="date of birth / ID: year (DOB default) or decade (ID default)"),
        "level": Option(str, "city", choices=LEVELS, help="address / ID region level"),
        "band": Option(int, 10, check=_int_range(1, 50), help="age band width in years"),
        "decimals": Option(int, 2, check=_int_range(0, 6), help="coordinates: decimals kept"),
    }

    def check_entity(self, entity: str) -> None:
        if entity not in GENERALIZABLE:
            raise OperatorError(f"generalize does not support {entity} (supported: "
                                f"{', '.join(sorted(GENERALIZABLE))})")

    def _birth(self, d: _dt.date, how: str, ctx: Context, cjk: bool = True) -> str:
        if how == "year":
            return f"{d.year}年" if cjk else str(d.year)
        if how == "decade":
            return f"{d.year - d.year % 10}年代" if cjk else f"{d.year - d.year % 10}s"
        if how == "age_band":
            today = ctx.today or _dt.date.today()
            band = age_band(age_on(d, today), self.options["band"])
            return f"{band}岁" if cjk else band
        return ""

    def apply(self, value: str, entity: str, ctx: Context) -> str:
        self.check_entity(entity)
        if entity == "DATE_OF_BIRTH":
            parsed = parse_date(value)
            if parsed is None:
                raise UnsupportedValue("not a date in a supported form")
            d, style = parsed
            return self._birth(d, self.options["birth"] or "year", ctx, style.kind.startswith("cjk"))
        if entity == "ADDRESS":
            end = admin_prefix_end(value, self.options["level"])
            if not end:
                raise UnsupportedValue("no administrative unit found")
            return value[:end]
        if entity in ID_ENTITIES:
            return self._id(value, ctx)
        if entity == "IP_ADDRESS":
            return _generalize_ip(value)
        return _COORD.sub(lambda m: f"{float(m.group()):.{self.options['decimals']}f}", value)

    def _id(self, value: str, ctx: Context) -> str:
        from piguard.deid import reference

        c = compact(value).upper()
        if len(c) == 18 and c[:17].isdigit():
            region, birth = c[:6], checks.real_date(int(c[6:10]), int(c[10:12]), int(c[12:14]))
        elif len(c) == 15 and c.isdigit():
            region, birth = c[:6], checks.real_date(1900 + int(c[6:8]), int(c[8:10]), int(c[10:12]))
        else:
            raise UnsupportedValue("not an ID number")
        level = self.options["level"]
        code = {"province": region[:2] + "0000", "city": region[:4] + "00",
                "district": region}[level]
        name = None if region.startswith("9") else reference.full_division_name(code)
        keep_n = {"province": 2, "city": 4, "district": 6}[level]
        place = name or (region[:keep_n] + "*" * (6 - keep_n))
        how = self.options["birth"] or "decade"
        when = self._birth(birth, how, ctx) if birth else ""
        return f"{place} {when}".strip()


def _generalize_ip(value: str) -> str:
    import ipaddress

    try:
        ip = ipaddress.ip_address(value.strip("[]"))
    except ValueError:
        raise UnsupportedValue("not an IP address") from None
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


# -- date_shift -------------------------------------------------------------------------------
class DateShift(Operator):
    name = "date_shift"
    needs_key = True
    OPTIONS: ClassVar[dict[str, Option]] = {
        "max_days": Option(int, 365, check=_int_range(1, 3650)),
        "domain": _DOMAIN,
    }

    def check_entity(self, entity: str) -> None:
        if entity != "DATE_OF_BIRTH":
            raise OperatorError(f"date_shift applies to dates (DATE_OF_BIRTH), not {entity}")

    def offset(self, ctx: Context) -> int:
        # One offset per subject (not per entity), so intervals between a subject's dates hold.
        _, key = ctx.key(self.name, "date_shift", "*", self.domain)
        mac = hmac.new(key, ctx.subject.encode("utf-8"), hashlib.sha256).digest()
        m = self.options["max_days"]
        r = int.from_bytes(mac[:8], "big") % (2 * m)
        return r - m if r < m else r - m + 1   # in [-m, -1] ∪ [1, m]

    def apply(self, value: str, entity: str, ctx: Context) -> str:
        parsed = parse_date(value)
        if parsed is None:
            raise UnsupportedValue("not a date in a supported form")
        d, style = parsed
        try:
            return style.format(d + _dt.timedelta(days=self.offset(ctx)))
        except OverflowError:
            raise UnsupportedValue("date out of range") from None


OPERATORS: dict[str, type[Operator]] = {
    op.name: op for op in (Keep, Redact, Replace, Mask, Hash, Encrypt, Fpe, Surrogate,
                           Generalize, DateShift)
}


def make_operator(name: str, **options: Any) -> Operator:
    try:
        cls = OPERATORS[name]
    except KeyError:
        raise OperatorError(f"unknown operator {name!r} (operators: "
                            f"{', '.join(OPERATORS)})") from None
    return cls(**options)
