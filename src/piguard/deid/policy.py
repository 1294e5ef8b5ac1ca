"""Policy: which operator, with which options, for each entity.

A policy file is TOML (or YAML, same shape)::

    # piguard de-identification policy
    default = "mask"          # operator for entities not listed below ("keep" leaves them)
    verify = true             # re-scan the output; fail if a redacted entity is still found
    min_score = 0.5           # optional: findings below this score are left alone

    [entities]
    PHONE_NUMBER = "replace"                                   # operator only
    CN_RESIDENT_ID = { operator = "surrogate", keep_birth = "year", keep_sex = true }

    [entities.BANK_CARD]
    operator = "fpe"
    domain = "analytics"      # keyed operators: separate outputs per domain

Per-table and per-column overrides (``piguard deidentify``) name columns as ``TABLE.COLUMN``
(a database table, a file's stem, a sheet), ``SCHEMA.TABLE.COLUMN`` or just ``COLUMN``
(any table); ``*`` and ``?`` match as in file names::

    [columns."users.mobile"]          # the classifier missed it, or say which entity it is
    entity = "PHONE_NUMBER"
    operator = "surrogate"            # optional (default: the entity's operator above);
                                      # options beside it, as in [entities]
    [columns."*.remark"]
    free_text = true                  # redact span by span
    [columns."audit.note"]
    skip = true                       # copy unchanged, even if it looks like PI

Everything is validated on load: an unknown key, entity, operator or option, or a wrong
option type, is a :class:`PolicyError` that names the file and line.

**The default policy** needs no key: it is for display and sharing text with people.
It masks every entity with its catalogue display style (``138****8000``,
``110105********002X``, ``622202******0128``, ``张*``, ``北京市朝阳区******``), replaces
CREDENTIAL, HEALTH, RELIGION and ETHNICITY with tags (a mask would show a password's length or
a diagnosis's shape), and verifies its output. It masks CN_USCC too (an organisation's
code, not PI: fail closed; a policy may ``keep`` it, as the pseudonymize and encrypt presets
do, where the code is better left joinable). Built-in presets
(``Policy.preset(name)``, ``--policy NAME``): ``default``; ``replace`` (tags everywhere, no
key); ``pseudonymize`` (consistent surrogates, needs a key); ``encrypt`` (deterministic,
reversible tokens, needs a key).
"""

from __future__ import annotations

import difflib
import fnmatch
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from piguard.deid.operators import (
    OPERATORS,
    Keep,
    Operator,
    OperatorError,
    Replace,
    make_operator,
)
from piguard.entities import CATALOGUE

_TOP_KEYS = ("version", "default", "verify", "min_score", "entities", "columns", "description")
_COLUMN_KEYS = ("entity", "operator", "skip", "free_text")
_FREE_TEXT = ("CREDENTIAL", "HEALTH", "RELIGION", "ETHNICITY")


class PolicyError(ValueError):
    """A policy could not be loaded; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class ColumnRule:
    """What the policy says about one column (``[columns."TABLE.COLUMN"]``)."""

    pattern: str
    entity: str | None = None
    operator: Operator | None = None
    skip: bool = False
    free_text: bool = False

    def to_dict(self) -> dict[str, Any]:
        if self.skip:
            return {"skip": True}
        if self.free_text:
            return {"free_text": True}
        out: dict[str, Any] = {"entity": self.entity}
        if self.operator is not None:
            op = self.operator
            out["operator"] = op.name
            out.update({k: v for k, v in op.options.items() if v != op.OPTIONS[k].default})
        return out


class Policy:
    """Entity → operator, a default operator (``mask`` unless given), and whether to verify."""

    __slots__ = ("columns", "default", "min_score", "name", "rules", "verify")

    def __init__(self, rules: Mapping[str, Operator] | None = None,
                 default: Operator | None = None, *, verify: bool = True,
                 min_score: float | None = None, name: str = "custom",
                 columns: Sequence[ColumnRule] = ()):
        self.rules: dict[str, Operator] = dict(rules or {})
        self.columns: list[ColumnRule] = list(columns)
        for entity, op in self.rules.items():
            if entity not in CATALOGUE:
                raise PolicyError(f"unknown entity {entity!r}{_suggest(entity)}")
            op.check_entity(entity)
        if default is None:
            from piguard.deid.operators import Mask

            default = Mask()
        self.default: Operator = default
        self.verify = verify
        self.min_score = min_score
        self.name = name

    # -- presets ---------------------------------------------------------------------------
    @classmethod
    def default_policy(cls) -> Policy:
        """Display policy: mask by catalogue style, tags for free text; no key."""
        from piguard.deid.operators import Mask

        rules: dict[str, Operator] = {e: Replace() for e in _FREE_TEXT}
        return cls(rules, Mask(), verify=True, name="default")

    @classmethod
    def preset(cls, name: str) -> Policy:
        if name == "default":
            return cls.default_policy()
        if name == "replace":
            return cls({"CN_USCC": Keep()}, Replace(), name="replace")
        if name == "pseudonymize":
            from piguard.deid.operators import Surrogate

            rules: dict[str, Operator] = {e: Replace() for e in _FREE_TEXT}
            rules["CN_USCC"] = Keep()
            return cls(rules, Surrogate(), name="pseudonymize")
        if name == "encrypt":
            from piguard.deid.operators import Encrypt

            return cls({"CN_USCC": Keep()}, Encrypt(deterministic=True), name="encrypt")
        raise PolicyError(f"unknown policy preset {name!r} (presets: {', '.join(PRESETS)})")

    # -- loading ---------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path) -> Policy:
        """A policy from a ``.toml``, ``.yaml``/``.yml`` or ``.json`` file."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise PolicyError(f"cannot read policy {path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise PolicyError(f"policy {path} is not UTF-8") from None
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml"):
            return cls.from_yaml(text, source=str(path))
        if suffix == ".json":
            import json

            try:
                doc = json.loads(text)
            except json.JSONDecodeError as exc:
                raise PolicyError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
            return cls.from_dict(doc, source=str(path))
        return cls.from_toml(text, source=str(path))

    @classmethod
    def resolve(cls, spec: str | Path | Policy | None) -> Policy:
        """A policy from a preset name, a file path, a Policy, or None (the default)."""
        if spec is None:
            return cls.default_policy()
        if isinstance(spec, Policy):
            return spec
        if isinstance(spec, str) and spec in PRESETS and not Path(spec).exists():
            return cls.preset(spec)
        return cls.load(spec)

    @classmethod
    def from_toml(cls, text: str, *, source: str = "<policy>") -> Policy:
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            msg = getattr(exc, "msg", None) or str(exc)
            line = getattr(exc, "lineno", None)
            if line is None and (m := re.search(r"\(at line (\d+), column \d+\)", msg)):
                line, msg = int(m.group(1)), msg[:m.start()].rstrip()
            raise PolicyError(f"{source}{f':{line}' if line else ''}: invalid TOML: {msg}") from None
        return cls.from_dict(doc, source=source, lines=_toml_lines(text))

    @classmethod
    def from_yaml(cls, text: str, *, source: str = "<policy>") -> Policy:
        import yaml

        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            doc = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f":{mark.line + 1}" if mark is not None else ""
            raise PolicyError(f"{source}{line}: invalid YAML: "
                              f"{getattr(exc, 'problem', None) or exc}") from None
        lines: dict[tuple[str, ...], int] = {}
        if node is not None:
            _yaml_lines(node, (), lines)
        return cls.from_dict(doc or {}, source=source, lines=lines)

    @classmethod
    def from_dict(cls, doc: Any, *, source: str = "<policy>",
                  lines: Mapping[tuple[str, ...], int] | None = None) -> Policy:
        lines = lines or {}

        def fail(path: tuple[str, ...], message: str) -> PolicyError:
            line = None
            for n in range(len(path), 0, -1):
                line = lines.get(path[:n])
                if line is not None:
                    break
            return PolicyError(f"{source}{f':{line}' if line else ''}: {message}")

        if not isinstance(doc, Mapping):
            raise PolicyError(f"{source}: a policy is a table of settings")
        for key in doc:
            if key not in _TOP_KEYS:
                raise fail((key,), f"unknown setting {key!r} (settings: {', '.join(_TOP_KEYS)})")
        if doc.get("version", 1) != 1:
            raise fail(("version",), f"unsupported policy version {doc.get('version')!r}")
        verify = doc.get("verify", True)
        if not isinstance(verify, bool):
            raise fail(("verify",), "verify must be true or false")
        min_score = doc.get("min_score")
        if min_score is not None and (isinstance(min_score, bool) or not isinstance(
                min_score, int | float) or not 0 <= min_score <= 1):
            raise fail(("min_score",), "min_score must be a number between 0 and 1")

        default = cls._operator(doc.get("default", "mask"), ("default",), None, fail)
        entities = doc.get("entities", {})
        if not isinstance(entities, Mapping):
            raise fail(("entities",), "entities must be a table: ENTITY = \"operator\" or "
                       "ENTITY = { operator = \"...\", option = ... }")
        rules: dict[str, Operator] = {}
        for entity, spec in entities.items():
            if entity not in CATALOGUE:
                raise fail(("entities", entity), f"unknown entity {entity!r}{_suggest(entity)}")
            rules[entity] = cls._operator(spec, ("entities", entity), entity, fail)
        columns = doc.get("columns", {})
        if not isinstance(columns, Mapping):
            raise fail(("columns",), "columns must be a table: [columns.\"TABLE.COLUMN\"] with "
                       "entity = \"...\", free_text = true or skip = true")
        column_rules = [cls._column(pattern, spec, fail) for pattern, spec in columns.items()]
        name = Path(source).name if source != "<policy>" else "custom"
        return cls(rules, default, verify=verify,
                   min_score=float(min_score) if min_score is not None else None, name=name,
                   columns=column_rules)

    @classmethod
    def _column(cls, pattern: str, spec: Any, fail) -> ColumnRule:
        path = ("columns", pattern)
        if not isinstance(spec, Mapping):
            raise fail(path, f"columns.{pattern}: expected a table (entity = \"...\", "
                             "free_text = true or skip = true)")
        for key in ("skip", "free_text"):
            if key in spec and not isinstance(spec[key], bool):
                raise fail((*path, key), f"columns.{pattern}: {key} must be true or false")
        skip, free_text = spec.get("skip", False), spec.get("free_text", False)
        entity = spec.get("entity")
        options = {k: v for k, v in spec.items() if k not in _COLUMN_KEYS}
        if skip or free_text:
            extra = [k for k in spec if k not in ("skip", "free_text")] + \
                (["free_text"] if skip and free_text else [])
            if extra:
                what = "skip" if skip else "free_text"
                raise fail((*path, extra[0]), f"columns.{pattern}: {what} = true takes no "
                                              f"{extra[0]!r}")
            return ColumnRule(pattern, skip=skip, free_text=free_text)
        if entity is None:
            bad = next(iter(options), None)
            if bad is not None:
                raise fail((*path, bad), f"columns.{pattern}: unknown key {bad!r} (keys: "
                                         f"{', '.join(_COLUMN_KEYS)}; operator options need "
                                         "'operator')")
            raise fail(path, f"columns.{pattern}: say entity = \"...\", free_text = true or "
                             "skip = true")
        if not isinstance(entity, str) or entity not in CATALOGUE:
            raise fail((*path, "entity"), f"columns.{pattern}: unknown entity "
                                          f"{entity!r}{_suggest(str(entity))}")
        operator = None
        if "operator" in spec:
            operator = cls._operator({"operator": spec["operator"], **options},
                                     path, entity, fail)
        elif options:
            bad = next(iter(options))
            raise fail((*path, bad), f"columns.{pattern}: unknown key {bad!r} (keys: "
                                     f"{', '.join(_COLUMN_KEYS)}; operator options need "
                                     "'operator')")
        return ColumnRule(pattern, entity=entity, operator=operator)

    @staticmethod
    def _operator(spec: Any, path: tuple[str, ...], entity: str | None, fail) -> Operator:
        if isinstance(spec, str):
            name, options = spec, {}
        elif isinstance(spec, Mapping):
            if "operator" not in spec:
                raise fail(path, f"{'/'.join(path)}: missing 'operator'")
            name = spec["operator"]
            options = {k: v for k, v in spec.items() if k != "operator"}
        else:
            raise fail(path, f"{'/'.join(path)}: expected an operator name or a table")
        if name not in OPERATORS:
            raise fail((*path, "operator"), f"unknown operator {name!r}"
                       f"{' for ' + entity if entity else ''} (operators: {', '.join(OPERATORS)})")
        try:
            op = make_operator(name, **options)
            if entity is not None:
                op.check_entity(entity)
        except OperatorError as exc:
            bad = next((k for k in options if f"{k!r}" in str(exc)), None)
            raise fail(path + ((bad,) if bad else ()),
                       f"{entity or 'default'}: {exc}") from None
        return op

    # -- use -------------------------------------------------------------------------------
    def operator_for(self, entity: str) -> Operator:
        return self.rules.get(entity, self.default)

    def column_rule(self, tables: Sequence[str], column: str) -> ColumnRule | None:
        """The ``[columns]`` rule for ``column`` of a table known by any of the names in
        ``tables`` (``schema.table``, ``table``, a file's stem...). An exact key wins over a
        pattern; among exact keys the most qualified; among patterns the first in the file."""
        if not self.columns:
            return None
        candidates = [f"{t}.{column}" for t in tables if t] + [column]
        exact = {r.pattern: r for r in self.columns}
        for name in candidates:
            if name in exact:
                return exact[name]
        for rule in self.columns:
            if any(ch in rule.pattern for ch in "*?[") and any(
                    fnmatch.fnmatchcase(name, rule.pattern) for name in candidates):
                return rule
        return None

    def redacts(self, entity: str) -> bool:
        return not isinstance(self.operator_for(entity), Keep)

    def key_users(self) -> list[str]:
        """``ENTITY:operator`` (``*`` for the default) of every operator that needs a key."""
        out = [f"{e}:{op.name}" for e, op in self.rules.items() if op.needs_key]
        if self.default.needs_key:
            out.append(f"*:{self.default.name}")
        return out

    @property
    def needs_key(self) -> bool:
        return bool(self.key_users())

    def __iter__(self) -> Iterator[tuple[str, Operator]]:
        return iter(self.rules.items())

    def to_dict(self) -> dict[str, Any]:
        def spec(op: Operator) -> Any:
            opts = {k: v for k, v in op.options.items() if v != op.OPTIONS[k].default}
            return {"operator": op.name, **opts} if opts else op.name

        out = {"default": spec(self.default), "verify": self.verify,
               **({"min_score": self.min_score} if self.min_score is not None else {}),
               "entities": {e: spec(op) for e, op in self.rules.items()}}
        if self.columns:
            out["columns"] = {r.pattern: r.to_dict() for r in self.columns}
        return out

    def __repr__(self) -> str:
        return (f"Policy(name={self.name!r}, default={self.default.name!r}, "
                f"rules={len(self.rules)}, verify={self.verify})")


PRESETS = ("default", "replace", "pseudonymize", "encrypt")


def _suggest(entity: str) -> str:
    close = difflib.get_close_matches(entity, list(CATALOGUE), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else "; see `piguard.entities.names()`"


_TOML_TABLE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_TOML_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-.]+)\s*=""")
_TOML_INLINE_KEY = re.compile(r"""([A-Za-z0-9_\-]+)\s*=""")
_TOML_KEY_PART = re.compile(r"""\"[^\"]*\"|'[^']*'|[^.\s]+""")


def _unquote(key: str) -> tuple[str, ...]:
    if key[:1] in "\"'":
        return (key[1:-1],)
    return tuple(part.strip() for part in key.split("."))


def _toml_lines(text: str) -> dict[tuple[str, ...], int]:
    """Line numbers of tables and keys, by dotted path (good enough for error messages)."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for n, line in enumerate(text.splitlines(), 1):
        if m := _TOML_TABLE.match(line):
            table = tuple(p.strip("\"'") for p in _TOML_KEY_PART.findall(m.group(1)))
            lines.setdefault(table, n)
            continue
        if m := _TOML_KEY.match(line):
            path = table + _unquote(m.group(1))
            lines.setdefault(path, n)
            rest = line[m.end():]
            if "{" in rest:
                for k in _TOML_INLINE_KEY.findall(rest):
                    lines.setdefault((*path, k), n)
    return lines


def _yaml_lines(node: Any, path: tuple[str, ...], out: dict[tuple[str, ...], int]) -> None:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            out.setdefault((*path, key), key_node.start_mark.line + 1)
            _yaml_lines(value_node, (*path, key), out)
