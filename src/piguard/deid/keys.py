"""Keyring: where de-identification keys come from, how they are derived, rotated and named.

Keys come from exactly two places (never from a command-line argument or a policy file):

- a **key file** (JSON, mode 0600) named by ``--keyring FILE`` or ``PIGUARD_KEYRING=FILE``::

      {"format": "piguard-keyring", "version": 1,
       "keys": [{"id": "q7m3xk2a", "created": "2025-11-30T00:50:00Z",
                 "status": "active", "material": "<base64, 32 bytes>"}]}

  A key file readable or writable by group or others is refused (``chmod 600 FILE``).
  ``piguard keys new --keyring FILE`` creates one; ``piguard keys rotate`` adds a new active
  key and retires the old one; retired keys stay in the file so that tokens and ciphertexts
  made under them can still be read.
- an **environment variable** ``PIGUARD_KEY`` holding one base64 key (at least 32 bytes),
  for containers and CI where a secret store injects it.

Every key has an 8-character id (``[a-z2-7]``, derived from the key by HMAC, so the same key
always has the same id and the id reveals nothing usable about the key). Every hash token,
ciphertext and FPE record carries the id of the key that made it.

Operators never use a master key directly: :meth:`Keyring.subkey` derives one sub-key per
(purpose, entity, domain) with HKDF-SHA256, so a hash key cannot decrypt, a phone key cannot
hash IDs, and two domains (recipients, projects) produce unlinkable outputs.

Key material appears in no repr, log record or exception message: :class:`Key` and
:class:`Keyring` print ids and statuses only, and decoding errors are re-raised without the
offending value.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import hashlib
import hmac
import json
import logging
import os
import secrets
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from piguard.atomic import atomic_write_bytes

log = logging.getLogger(__name__)

ENV_KEYRING = "PIGUARD_KEYRING"
ENV_KEY = "PIGUARD_KEY"
FORMAT = "piguard-keyring"
VERSION = 1
KEY_BYTES = 32
STATUSES = ("active", "retired")
_HKDF_SALT = b"piguard/deid/v1"
HOW_TO_MAKE_A_KEY = (
    "create one with `piguard keys new --keyring FILE` and pass it with `--keyring FILE` "
    f"(or set {ENV_KEYRING}=FILE, or {ENV_KEY} to a base64 key of 32 bytes)"
)


class KeyringError(Exception):
    """A keyring could not be loaded, saved or used. Messages never hold key material."""


class MissingKeyError(KeyringError):
    """An operator needs a key and none was given."""


class UnknownKeyError(KeyringError):
    """A token names a key id that the keyring does not hold."""


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=").lower()


def key_id_for(material: bytes) -> str:
    """The 8-character id of ``material``: a keyed fingerprint, not a hash of the key alone."""
    return _b32(hmac.new(material, b"piguard key id", hashlib.sha256).digest())[:8]


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class Key:
    """One key: id, creation time, status and (hidden) material."""

    __slots__ = ("__material", "created", "id", "status")

    def __init__(self, material: bytes, *, created: str | None = None,
                 status: str = "active", key_id: str | None = None):
        if len(material) < KEY_BYTES:
            raise KeyringError(f"a key must be at least {KEY_BYTES} bytes; {HOW_TO_MAKE_A_KEY}")
        if status not in STATUSES:
            raise KeyringError(f"unknown key status {status!r}; expected one of {STATUSES}")
        self.__material = bytes(material)
        self.id = key_id_for(self.__material)
        if key_id is not None and key_id != self.id:
            raise KeyringError(f"key {key_id!r}: the id does not match the key material "
                               "(the key file was edited or corrupted)")
        self.created = created or _now()
        self.status = status

    @classmethod
    def generate(cls) -> Key:
        return cls(secrets.token_bytes(KEY_BYTES))

    def derive(self, purpose: str, entity: str, domain: str, length: int) -> bytes:
        info = "\x1f".join(("piguard", purpose, entity, domain)).encode("utf-8")
        return HKDF(algorithm=hashes.SHA256(), length=length, salt=_HKDF_SALT,
                    info=info).derive(self.__material)

    def _export(self) -> dict[str, str]:
        return {"id": self.id, "created": self.created, "status": self.status,
                "material": base64.b64encode(self.__material).decode("ascii")}

    def __repr__(self) -> str:
        return f"Key(id={self.id!r}, status={self.status!r}, created={self.created!r})"

    __str__ = __repr__

    def __reduce__(self):  # pickling would copy key material out of the process
        raise TypeError("piguard keys cannot be pickled")


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What may be shown about a key."""

    id: str
    created: str
    status: str


def _decode_material(text: str, where: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyringError(f"{where} is not valid base64") from None


def check_key_file_mode(path: Path) -> None:
    """Refuse a key file that group or others may read or write."""
    if os.name != "posix":
        return
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyringError(
            f"key file {path} is accessible by group or others (mode {stat.S_IMODE(mode):04o}); "
            f"run `chmod 600 {path}`")


class Keyring:
    """A set of keys, exactly one of them active (used for new outputs).

    >>> ring = Keyring.generate()
    >>> len(ring.active.id)
    8
    """

    __slots__ = ("_keys", "_subkeys", "source")

    def __init__(self, keys: Iterable[Key], *, source: str = "memory"):
        self._keys: dict[str, Key] = {}
        for key in keys:
            if key.id in self._keys:
                raise KeyringError(f"key {key.id!r} appears twice")
            self._keys[key.id] = key
        active = [k for k in self._keys.values() if k.status == "active"]
        if len(active) != 1:
            raise KeyringError(
                f"a keyring needs exactly one active key, found {len(active)}; "
                "use `piguard keys rotate --keyring FILE` to make a new active key")
        self.source = source
        self._subkeys: dict[tuple[str, str, str, str, int], bytes] = {}

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def generate(cls) -> Keyring:
        """A keyring with one fresh random key (kept in memory until :meth:`save`)."""
        return cls([Key.generate()])

    @classmethod
    def from_bytes(cls, material: bytes) -> Keyring:
        return cls([Key(material)], source="bytes")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Keyring:
        """Load a key file, refusing one that group or others can access."""
        path = Path(path)
        try:
            check_key_file_mode(path)
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise KeyringError(f"key file {path} does not exist; {HOW_TO_MAKE_A_KEY}") from None
        except OSError as exc:
            raise KeyringError(f"cannot read key file {path}: {exc.strerror}") from None
        try:
            doc = json.loads(raw)
        except json.JSONDecodeError as exc:
            # The decoder's message quotes no input, only a position.
            raise KeyringError(f"key file {path} is not valid JSON (line {exc.lineno})") from None
        return cls._from_doc(doc, str(path))

    @classmethod
    def _from_doc(cls, doc: object, where: str) -> Keyring:
        if not isinstance(doc, Mapping) or doc.get("format") != FORMAT:
            raise KeyringError(f"{where} is not a piguard keyring (\"format\": {FORMAT!r} missing)")
        if doc.get("version") != VERSION:
            raise KeyringError(f"{where}: unsupported keyring version {doc.get('version')!r}")
        entries = doc.get("keys")
        if not isinstance(entries, list) or not entries:
            raise KeyringError(f"{where} holds no keys; {HOW_TO_MAKE_A_KEY}")
        keys = []
        for n, entry in enumerate(entries, 1):
            if not isinstance(entry, Mapping) or not isinstance(entry.get("material"), str):
                raise KeyringError(f"{where}: key #{n} has no \"material\"")
            keys.append(Key(_decode_material(entry["material"], f"{where}: key #{n} material"),
                            created=str(entry.get("created") or "") or None,
                            status=str(entry.get("status", "active")),
                            key_id=entry.get("id")))
        return cls(keys, source=f"file:{where}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Keyring | None:
        """The keyring named by ``PIGUARD_KEYRING`` or held in ``PIGUARD_KEY``, else None."""
        env = os.environ if environ is None else environ
        if env.get(ENV_KEYRING):
            return cls.load(env[ENV_KEYRING])
        if env.get(ENV_KEY):
            material = _decode_material(env[ENV_KEY], f"${ENV_KEY}")
            ring = cls([Key(material)], source=f"env:{ENV_KEY}")
            return ring
        return None

    @classmethod
    def resolve(cls, path: str | os.PathLike[str] | None = None) -> Keyring | None:
        """An explicit key file if given, else the environment, else None."""
        if path is not None:
            return cls.load(path)
        return cls.from_env()

    # -- persistence ----------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the keyring atomically with mode 0600 (temp file in the same folder + rename)."""
        path = Path(path)
        doc = {"format": FORMAT, "version": VERSION,
               "keys": [k._export() for k in self._keys.values()]}
        data = (json.dumps(doc, indent=2) + "\n").encode("utf-8")
        atomic_write_bytes(path, data, mode=0o600)
        self.source = f"file:{path}"
        log.info("keyring saved to %s (%d keys, active %s)", path, len(self._keys), self.active.id)

    def rotate(self) -> Key:
        """Add a new active key; the previous active key becomes ``retired``."""
        new = Key.generate()
        for key in self._keys.values():
            if key.status == "active":
                key.status = "retired"
        self._keys[new.id] = new
        self._subkeys.clear()
        log.info("keyring rotated: new active key %s", new.id)
        return new

    # -- use -------------------------------------------------------------------------------
    @property
    def active(self) -> Key:
        for key in self._keys.values():
            if key.status == "active":
                return key
        raise KeyringError("the keyring has no active key")  # unreachable: checked on init

    def get(self, key_id: str) -> Key:
        try:
            return self._keys[key_id]
        except KeyError:
            raise UnknownKeyError(
                f"key {key_id!r} is not in the keyring ({self.source}); it was made with "
                "another keyring, or its key was removed") from None

    def __contains__(self, key_id: object) -> bool:
        return key_id in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def info(self) -> list[KeyInfo]:
        return [KeyInfo(k.id, k.created, k.status) for k in self._keys.values()]

    def subkey(self, purpose: str, entity: str, domain: str = "", *, key_id: str | None = None,
               length: int = 32) -> tuple[str, bytes]:
        """``(key_id, sub-key)`` for one purpose, entity and domain (HKDF-SHA256, cached).

        ``key_id`` None means the active key (for new outputs); a given id selects an older
        key (to read outputs made before a rotation).
        """
        key = self.active if key_id is None else self.get(key_id)
        cache_key = (key.id, purpose, entity, domain, length)
        sub = self._subkeys.get(cache_key)
        if sub is None:
            sub = key.derive(purpose, entity, domain, length)
            self._subkeys[cache_key] = sub
        return key.id, sub

    def __repr__(self) -> str:
        return f"Keyring(active={self.active.id!r}, keys={len(self._keys)}, source={self.source!r})"

    __str__ = __repr__

    def __reduce__(self):
        raise TypeError("piguard keyrings cannot be pickled")


def create_key_file(path: str | os.PathLike[str]) -> Keyring:
    """Create a new key file with one active key; refuse to overwrite an existing file."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise KeyringError(f"{path} already exists; use `piguard keys rotate --keyring {path}` "
                           "to add a key to it")
    ring = Keyring.generate()
    ring.save(path)
    return ring
