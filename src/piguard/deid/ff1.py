"""FF1 format-preserving encryption (NIST SP 800-38G, §5.1), on AES from ``cryptography``.

FF1 is a 10-round Feistel network over numeral strings in radix 2..65536; its round
function is AES-CBC-MAC (the PRF of §4.4) over a fixed block ``P`` and a block ``Q`` holding
the tweak, the round number and one half of the input. Only the AES block cipher comes from
``cryptography`` (ECB on single blocks); the Feistel structure, NUM/STR conversions and the
PRF are written here, step by step as in Algorithm 7 and 8, and tested against the nine
NIST sample vectors (AES-128/192/256 × radix 10, 10 with tweak, 36).

FF3 and FF3-1 are not offered: NIST's 2025 second draft of SP 800-38G Rev. 1 withdraws them.
The 2019 Rev. 1 draft raises the minimum domain to one million; :class:`FF1` enforces
``radix ** n >= 1_000_000``.

>>> FF1(bytes.fromhex("2B7E151628AED2A6ABF7158809CF4F3C")).encrypt("0123456789")
'2433477484'
"""

from __future__ import annotations

import math
import threading

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

MIN_DOMAIN = 1_000_000
_ALPHABET36 = "0123456789abcdefghijklmnopqrstuvwxyz"


class FF1Error(ValueError):
    """Bad FF1 input (never holds the input value)."""


class FF1:
    """FF1 under one AES key (16, 24 or 32 bytes) for one radix.

    :meth:`encrypt_numerals` / :meth:`decrypt_numerals` work on lists of ints < radix;
    :meth:`encrypt` / :meth:`decrypt` on strings over the first ``radix`` symbols of
    ``0-9a-z`` (radix ≤ 36).
    """

    __slots__ = ("_cipher", "_local", "_p_cache", "radix")

    def __init__(self, key: bytes, radix: int = 10):
        if len(key) not in (16, 24, 32):
            raise FF1Error("an FF1 key is an AES key of 16, 24 or 32 bytes")
        if not 2 <= radix <= 65536:
            raise FF1Error("FF1 radix must be in 2..65536")
        self.radix = radix
        # ECB on exactly one block at a time is the raw AES permutation CIPH_K of the spec.
        self._cipher = Cipher(algorithms.AES(key), modes.ECB())
        self._local = threading.local()   # one encryptor context per thread
        self._p_cache: dict[tuple[int, int, int], bytes] = {}

    def __repr__(self) -> str:
        return f"FF1(radix={self.radix})"

    # -- the spec's helper functions ------------------------------------------------------
    def _ciph(self, block: bytes) -> bytes:
        ecb = getattr(self._local, "ecb", None)
        if ecb is None:
            ecb = self._local.ecb = self._cipher.encryptor()
        return ecb.update(block)

    def _num(self, numerals: list[int]) -> int:
        """NUM_radix(X): the number the numeral string represents, most significant first."""
        x = 0
        radix = self.radix
        for digit in numerals:
            x = x * radix + digit
        return x

    def _str(self, x: int, m: int) -> list[int]:
        """STR^m_radix(x): the m-numeral representation of x."""
        out = [0] * m
        radix = self.radix
        for i in range(m - 1, -1, -1):
            x, out[i] = divmod(x, radix)
        return out

    def _prf_p(self, u: int, n: int, t: int) -> bytes:
        """CIPH_K(P): the first CBC-MAC block, the same for every round of one call."""
        cached = self._p_cache.get((u, n, t))
        if cached is None:
            p = (bytes([1, 2, 1]) + self.radix.to_bytes(3, "big") + bytes([10, u % 256])
                 + n.to_bytes(4, "big") + t.to_bytes(4, "big"))
            cached = self._ciph(p)
            self._p_cache[(u, n, t)] = cached
        return cached

    def _round_value(self, tweak: bytes, i: int, half: list[int], b: int, d: int,
                     cp: bytes, zero_pad: int) -> int:
        """y = NUM(S) for round i (steps 6.i–6.iv)."""
        q = tweak + bytes(zero_pad) + bytes([i]) + self._num(half).to_bytes(b, "big")
        # PRF(P || Q): CBC-MAC with a zero IV; CIPH_K(P) was computed once.
        y = cp
        for off in range(0, len(q), 16):
            block = int.from_bytes(y, "big") ^ int.from_bytes(q[off:off + 16], "big")
            y = self._ciph(block.to_bytes(16, "big"))
        r = y
        s = r
        j = 1
        while len(s) < d:
            s += self._ciph((int.from_bytes(r, "big") ^ j).to_bytes(16, "big"))
            j += 1
        return int.from_bytes(s[:d], "big")

    def _setup(self, numerals: list[int], tweak: bytes) -> tuple[int, int, int, int, bytes, int]:
        n = len(numerals)
        if n < 2:
            raise FF1Error("FF1 needs at least 2 numerals")
        if n >= 2 ** 32 or len(tweak) >= 2 ** 32:
            raise FF1Error("FF1 input or tweak too long")
        if self.radix ** n < MIN_DOMAIN:
            raise FF1Error(f"FF1 domain radix^n = {self.radix}^{n} is below the minimum of "
                           f"{MIN_DOMAIN:,} (NIST SP 800-38G Rev. 1)")
        if any(not 0 <= c < self.radix for c in numerals):
            raise FF1Error(f"FF1 numeral out of range for radix {self.radix}")
        u = n // 2
        v = n - u
        # b = ceil(ceil(v * log2(radix)) / 8), computed exactly on integers.
        bits = (self.radix ** v - 1).bit_length()
        b = (bits + 7) // 8
        d = 4 * math.ceil(b / 4) + 4
        t = len(tweak)
        zero_pad = (-t - b - 1) % 16
        return u, v, b, d, self._prf_p(u, n, t), zero_pad

    # -- Algorithm 7 and 8 ----------------------------------------------------------------
    def encrypt_numerals(self, numerals: list[int], tweak: bytes = b"") -> list[int]:
        u, v, b, d, cp, pad = self._setup(numerals, tweak)
        a, bb = list(numerals[:u]), list(numerals[u:])
        radix = self.radix
        mod_u, mod_v = radix ** u, radix ** v
        for i in range(10):
            y = self._round_value(tweak, i, bb, b, d, cp, pad)
            m, mod = (u, mod_u) if i % 2 == 0 else (v, mod_v)
            c = (self._num(a) + y) % mod
            a, bb = bb, self._str(c, m)
        return a + bb

    def decrypt_numerals(self, numerals: list[int], tweak: bytes = b"") -> list[int]:
        u, v, b, d, cp, pad = self._setup(numerals, tweak)
        a, bb = list(numerals[:u]), list(numerals[u:])
        radix = self.radix
        mod_u, mod_v = radix ** u, radix ** v
        for i in range(9, -1, -1):
            y = self._round_value(tweak, i, a, b, d, cp, pad)
            m, mod = (u, mod_u) if i % 2 == 0 else (v, mod_v)
            c = (self._num(bb) - y) % mod
            a, bb = self._str(c, m), a
        return a + bb

    def _to_numerals(self, text: str) -> list[int]:
        if self.radix > 36:
            raise FF1Error("string API supports radix ≤ 36; use the *_numerals methods")
        out = []
        for ch in text.lower():
            idx = _ALPHABET36.find(ch)
            if idx < 0 or idx >= self.radix:
                raise FF1Error(f"character outside the radix-{self.radix} alphabet")
            out.append(idx)
        return out

    def encrypt(self, text: str, tweak: bytes = b"") -> str:
        return "".join(_ALPHABET36[c] for c in self.encrypt_numerals(self._to_numerals(text), tweak))

    def decrypt(self, text: str, tweak: bytes = b"") -> str:
        return "".join(_ALPHABET36[c] for c in self.decrypt_numerals(self._to_numerals(text), tweak))
