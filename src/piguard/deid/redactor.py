"""The redactor: text in, de-identified text out, plus a record of what was replaced.

:func:`redact` scans the text (or takes the caller's findings), resolves overlapping
findings into whole spans, applies the policy's operator to each span, and returns a
:class:`Redaction`: ``.text`` and ``.items`` (entity, original span, new span, operator, key
id; never a value, so items can be logged and stored as a side-car).

Overlaps: findings that overlap are merged into one span covering all of them, handled by the
operator of the strongest finding (score, then length), so a value is never partly masked.
An operator that cannot handle a value (a date it cannot parse, too few digits for FPE)
does not leave it in clear: the span becomes a tag ``<ENTITY>`` and the item says so.

Verification (``policy.verify``, on in the default policy): the output is scanned again and
the call fails with :class:`VerificationError` if a finding of an entity the policy redacts
lies outside the spans the operators wrote. First only the neighbourhood of each replacement
is re-scanned (the rest of the text is unchanged and held no such finding), which keeps the
cost proportional to the number of replacements; a suspect found there is confirmed on the
whole output before the call fails (a window edge can change what the detector sees).
``verify="full"`` always re-scans everything.

:func:`reidentify` restores reversible outputs given the keyring:

- ``encrypt`` tokens ``<ENTITY:enc|det:KEYID:payload>`` are found by their syntax, so no
  side-car is needed (the ``domain`` comes from the side-car items or the policy, else "");
- ``fpe`` output is indistinguishable from ordinary digits by design, so its positions come
  from the redaction items (``Redaction.items``, or the JSON lines ``piguard redact --items
  FILE`` writes). Without them FPE values stay as they are; with ``strict`` (the default)
  every item or token that cannot be restored is an error.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from piguard.deid.keys import HOW_TO_MAKE_A_KEY, Keyring, KeyringError, MissingKeyError
from piguard.deid.operators import (
    TOKEN_RE,
    Context,
    Keep,
    TokenError,
    UnsupportedValue,
    decrypt_token,
    fpe_decrypt,
)
from piguard.deid.policy import Policy
from piguard.detect.finding import Finding

__all__ = ["Redaction", "RedactionItem", "Reidentification", "ReidentifyError",
           "VerificationError", "redact", "reidentify", "reidentify_report", "resolve_overlaps"]

VERIFY_MARGIN = 64          # re-scanned on each side of a replacement (> context window + a value)
_VERIFY_MAX_EXTEND = 256    # never cut an ASCII letter/digit run, up to this far


@dataclass(frozen=True, slots=True)
class RedactionItem:
    """One replacement: offsets into the input (``start``/``end``) and the output."""

    entity: str
    start: int
    end: int
    new_start: int
    new_end: int
    operator: str
    score: float = 1.0
    key_id: str | None = None
    domain: str = ""
    note: str = ""
    keep_first: int | None = None   # fpe only: non-default kept digits
    keep_last: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RedactionItem:
        fields = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in fields})


@dataclass(frozen=True, slots=True)
class Redaction:
    """The de-identified text and what was replaced (no original values anywhere)."""

    text: str
    items: tuple[RedactionItem, ...]
    policy: str = "default"

    def __repr__(self) -> str:
        return f"Redaction(chars={len(self.text)}, items={len(self.items)}, policy={self.policy!r})"

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for it in self.items:
            out[it.entity] = out.get(it.entity, 0) + 1
        return out


class VerificationError(RuntimeError):
    """PI of a redacted entity is still found in the output (offsets only, no values)."""

    def __init__(self, leftovers: Sequence[Finding]):
        self.leftovers = tuple(leftovers)
        where = ", ".join(f"{f.entity} at {f.start}-{f.end}" for f in self.leftovers[:10])
        more = f" and {len(self.leftovers) - 10} more" if len(self.leftovers) > 10 else ""
        super().__init__(f"verification failed: {len(self.leftovers)} finding(s) of redacted "
                         f"entities remain in the output: {where}{more}")


class ReidentifyError(RuntimeError):
    """Some values could not be restored (positions and reasons, never values)."""


# -- overlap resolution -----------------------------------------------------------------------
def resolve_overlaps(findings: Iterable[Finding], policy: Policy | None = None) -> list[Finding]:
    """Sorted, non-overlapping findings covering every character any input finding covered.

    Overlapping findings become one span (their union). Its entity is that of a finding
    covering the whole union if there is one, else of the strongest finding (score, then
    length); a finding whose entity the policy keeps never wins over one it redacts.
    """
    ordered = sorted(findings, key=lambda f: (f.start, -f.end))
    out: list[Finding] = []
    cluster: list[Finding] = []
    end = -1

    def flush() -> None:
        if not cluster:
            return
        if len(cluster) == 1:
            out.append(cluster[0])
            return
        start, stop = cluster[0].start, max(f.end for f in cluster)
        pool = [f for f in cluster if policy is None or policy.redacts(f.entity)] or cluster
        covering = [f for f in pool if f.start == start and f.end == stop]
        if covering:   # one finding spans the whole cluster: it says what the span is
            out.append(max(covering, key=lambda f: f.score))
        else:
            best = max(pool, key=lambda f: (f.score, f.end - f.start, -f.start))
            out.append(Finding(best.entity, start, stop, best.score,
                               (*best.evidence, "merged:overlap")))

    for f in ordered:
        if f.start < end:
            cluster.append(f)
            end = max(end, f.end)
        else:
            flush()
            cluster = [f]
            end = f.end
    flush()
    return out


# -- redact -----------------------------------------------------------------------------------
def _scanner(detector: Any, policy: Policy) -> Callable[[str], list[Finding]]:
    if detector is not None:
        return lambda t: detector.scan(t, min_score=policy.min_score)

    def scan(t: str) -> list[Finding]:
        import piguard

        return piguard.scan(t, min_score=policy.min_score)

    return scan


def _need_keyring(policy: Policy, keyring: Keyring | None) -> Keyring | None:
    if keyring is not None or not policy.needs_key:
        return keyring
    keyring = Keyring.from_env()
    if keyring is None:
        raise MissingKeyError(f"policy {policy.name!r} uses operators that need a key "
                              f"({', '.join(policy.key_users())}); {HOW_TO_MAKE_A_KEY}")
    return keyring


def redact(text: str, policy: Policy | str | None = None, *, keyring: Keyring | None = None,
           findings: Iterable[Finding] | None = None, subject: str = "",
           detector: Any = None, verify: bool | str | None = None,
           today: _dt.date | None = None) -> Redaction:
    """De-identify ``text`` under ``policy`` (the default policy when None).

    ``findings`` skips the scan (the caller's findings, offsets into ``text``); ``subject``
    names the person the text is about, for ``date_shift``; ``verify`` overrides the policy
    (``True``, ``False`` or ``"full"``).
    """
    policy = Policy.resolve(policy)
    keyring = _need_keyring(policy, keyring)
    scan = _scanner(detector, policy)
    found = list(scan(text)) if findings is None else list(findings)
    n = len(text)
    for f in found:
        if not 0 <= f.start < f.end <= n:
            raise ValueError(f"finding {f.entity} at {f.start}-{f.end} is outside the text "
                             f"(length {n})")
    ctx = Context(keyring=keyring, subject=subject, today=today)
    pieces: list[str] = []
    items: list[RedactionItem] = []
    pos = 0
    out_len = 0
    for f in resolve_overlaps(found, policy):
        op = policy.operator_for(f.entity)
        if isinstance(op, Keep):
            continue
        value = text[f.start:f.end]
        note = ""
        name = op.name
        try:
            new = op.apply(value, f.entity, ctx)
        except UnsupportedValue as exc:
            new, name, note = f"<{f.entity}>", "replace", f"fallback from {op.name}: {exc}"
        gap = text[pos:f.start]
        pieces.append(gap)
        out_len += len(gap)
        pieces.append(new)
        keyed = name == op.name and op.needs_key
        fpe = name == "fpe"
        items.append(RedactionItem(
            f.entity, f.start, f.end, out_len, out_len + len(new), name, f.score,
            key_id=op.key_id(ctx) if keyed else None, domain=op.domain if keyed else "",
            note=note,
            keep_first=op.options.get("keep_first") if fpe else None,
            keep_last=op.options.get("keep_last") if fpe else None))
        out_len += len(new)
        pos = f.end
    pieces.append(text[pos:])
    result = Redaction("".join(pieces), tuple(items), policy.name)
    mode = policy.verify if verify is None else verify
    if mode and items:
        _verify(result, policy, scan, full=mode == "full")
    return result


def _windows(text: str, items: Sequence[RedactionItem]) -> list[tuple[int, int]]:
    n = len(text)
    spans: list[tuple[int, int]] = []
    for it in items:
        lo = max(0, it.new_start - VERIFY_MARGIN)
        hi = min(n, it.new_end + VERIFY_MARGIN)
        # Do not cut a run of ASCII non-space characters (a cut "4.6.8.12" is another value).
        floor = max(0, lo - _VERIFY_MAX_EXTEND)
        while lo > floor and text[lo - 1].isascii() and not text[lo - 1].isspace():
            lo -= 1
        ceil = min(n, hi + _VERIFY_MAX_EXTEND)
        while hi < ceil and text[hi].isascii() and not text[hi].isspace():
            hi += 1
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
        else:
            spans.append((lo, hi))
    return spans


def _leftovers(text: str, lo: int, hi: int, policy: Policy, scan: Callable[[str], list[Finding]],
               written: Sequence[tuple[int, int]]) -> list[Finding]:
    out = []
    for f in scan(text[lo:hi] if (lo, hi) != (0, len(text)) else text):
        g = Finding(f.entity, f.start + lo, f.end + lo, f.score, f.evidence)
        if not policy.redacts(g.entity):
            continue
        if any(s <= g.start and g.end <= e for s, e in written):
            continue   # inside what an operator wrote (a surrogate, FPE digits, a mask)
        if any(ev.startswith("model:") for ev in g.evidence) and any(
                s < g.end and g.start < e for s, e in written):
            # A model span that runs into a replacement reads the mask as part of a name or
            # an address ("北京市朝阳区******，…"); the value it covered was replaced.
            continue
        out.append(g)
    return out


def _verify(result: Redaction, policy: Policy, scan: Callable[[str], list[Finding]],
            *, full: bool) -> None:
    text = result.text
    written = [(it.new_start, it.new_end) for it in result.items]
    if not full:
        suspects = [f for lo, hi in _windows(text, result.items)
                    for f in _leftovers(text, lo, hi, policy, scan, written)]
        if not suspects:
            return
        # A window edge can change what the detector sees; confirm on the whole text.
    leftovers = _leftovers(text, 0, len(text), policy, scan, written)
    if leftovers:
        raise VerificationError(leftovers)


# -- reidentify -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Reidentification:
    text: str
    restored: int
    unresolved: tuple[tuple[int, int, str], ...]   # (start, end, reason), offsets in the input

    def __repr__(self) -> str:
        return (f"Reidentification(chars={len(self.text)}, restored={self.restored}, "
                f"unresolved={len(self.unresolved)})")


def reidentify_report(text: str, keyring: Keyring | None = None, *,
                      items: Iterable[RedactionItem | Mapping[str, Any]] | None = None,
                      policy: Policy | str | None = None) -> Reidentification:
    """Restore reversible outputs; report what could not be restored."""
    if keyring is None:
        keyring = Keyring.from_env()
        if keyring is None:
            raise MissingKeyError("reidentify needs the keyring that made the tokens; "
                                  + HOW_TO_MAKE_A_KEY)
    pol = Policy.resolve(policy) if policy is not None else None
    parsed = [it if isinstance(it, RedactionItem) else RedactionItem.from_dict(it)
              for it in (items or ())]
    chars = list(text)
    restored = 0
    unresolved: list[tuple[int, int, str]] = []
    for it in parsed:
        if it.operator != "fpe":
            continue
        if not 0 <= it.new_start <= it.new_end <= len(text) or it.key_id is None:
            unresolved.append((it.new_start, it.new_end, "fpe item does not fit the text"))
            continue
        try:
            plain = fpe_decrypt(text[it.new_start:it.new_end], it.entity, keyring, it.key_id,
                                it.domain, it.keep_first, it.keep_last)
        except (KeyringError, UnsupportedValue, ValueError) as exc:
            unresolved.append((it.new_start, it.new_end, f"fpe {it.entity}: {exc}"))
            continue
        chars[it.new_start:it.new_end] = list(plain)
        restored += 1
    stage = "".join(chars)
    domains = {(it.new_start, it.new_end): it.domain for it in parsed if it.operator == "encrypt"}
    pieces: list[str] = []
    pos = 0
    for m in TOKEN_RE.finditer(stage):
        entity, mode, kid, payload = m.groups()
        domain = domains.get(m.span())
        if domain is None:
            domain = pol.operator_for(entity).domain if pol is not None else ""
        try:
            plain = decrypt_token(entity, mode, kid, payload, keyring, domain)
        except (TokenError, KeyringError, UnicodeDecodeError) as exc:
            unresolved.append((m.start(), m.end(), str(exc)))
            continue
        pieces.append(stage[pos:m.start()])
        pieces.append(plain)
        pos = m.end()
        restored += 1
    pieces.append(stage[pos:])
    return Reidentification("".join(pieces), restored, tuple(unresolved))


def reidentify(text: str, keyring: Keyring | None = None, *,
               items: Iterable[RedactionItem | Mapping[str, Any]] | None = None,
               policy: Policy | str | None = None, strict: bool = True) -> str:
    """``text`` with encrypt tokens (and FPE values named by ``items``) restored.

    With ``strict`` a token or item that cannot be restored raises :class:`ReidentifyError`
    (its position and the reason, never a value); otherwise it is left as it is.
    """
    report = reidentify_report(text, keyring, items=items, policy=policy)
    if strict and report.unresolved:
        where = "; ".join(f"{s}-{e}: {why}" for s, e, why in report.unresolved[:5])
        raise ReidentifyError(f"{len(report.unresolved)} value(s) could not be restored: {where}")
    return report.text
