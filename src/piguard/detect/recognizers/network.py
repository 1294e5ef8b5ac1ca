"""Network and device identifiers.

- ``IP_ADDRESS``: IPv4 dotted quads (each octet 0–255, no leading zeros; not part of a
  longer dotted run such as a version string ``1.2.3.4.5``) and IPv6 (validated by
  ``ipaddress``). Unspecified, loopback and broadcast addresses name no one and are skipped.
- ``MAC_ADDRESS``: EUI-48 as ``00:1A:2B:3C:4D:5E``, ``00-1A-…`` or ``001a.2b3c.4d5e``.
- ``IMEI``: 15 digits, Luhn (3GPP TS 23.003); needs a cue (IMEI/串号/设备号).
- ``MEID``, ``IMSI`` (MCC 460 …), ``DEVICE_ID`` (IDFA/OAID/Android ID): right after their cue.
"""

from __future__ import annotations

import ipaddress
import re

from piguard.detect import checks
from piguard.detect.recognizers.base import B, Candidate, E, Pattern

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"


def _ipv4(text: str, m: re.Match[str]) -> Candidate | None:
    value = m.group()
    first = value.split(".", 1)[0]
    if first in ("0", "127") or value == "255.255.255.255":
        return None
    return Candidate("IP_ADDRESS", m.start(), m.end(), 0.85, ("pattern:ipv4", "check:octets"))


def _ipv6(text: str, m: re.Match[str]) -> Candidate | None:
    try:
        addr = ipaddress.IPv6Address(m.group())
    except ValueError:
        return None
    if addr.is_unspecified or addr.is_loopback:
        return None
    mapped = addr.ipv4_mapped
    if mapped is not None and (mapped.is_unspecified or mapped.is_loopback
                               or str(mapped) == "255.255.255.255"):
        return None
    return Candidate("IP_ADDRESS", m.start(), m.end(), 0.9, ("pattern:ipv6", "check:ipaddress"))


def _mac(text: str, m: re.Match[str]) -> Candidate | None:
    hexdigits = re.sub(r"[^0-9A-Fa-f]", "", m.group()).lower()
    if hexdigits in ("000000000000", "ffffffffffff"):
        return None
    return Candidate("MAC_ADDRESS", m.start(), m.end(), 0.85, ("pattern:mac",))


def _imei(text: str, m: re.Match[str]) -> Candidate | None:
    digits = m.group().replace(" ", "").replace("-", "")
    if not checks.luhn_valid(digits):
        return None
    return Candidate("IMEI", m.start(), m.end(), 0.55, ("pattern:imei", "check:luhn"),
                     needs_context=True)


def _cued(entity: str, name: str, cue: str, score: float = 0.9):
    def check(text: str, m: re.Match[str]) -> Candidate:
        return Candidate(entity, m.start("v"), m.end("v"), score, (f"pattern:{name}", f"context:{cue}"))
    return check


_H = r"[0-9A-Fa-f]"
_V4 = r"(?:" + _OCTET + r"\.){3}" + _OCTET
_IPV6 = (r"(?:(?:" + _H + r"{1,4}:){6}" + _V4
         + r"|(?:" + _H + r"{1,4}:){0,5}(?::" + _H + r"{1,4}){0,4}::?(?:" + _H + r"{1,4}:){0,4}" + _V4
         + r"|(?:" + _H + r"{1,4}:){7}" + _H + r"{1,4}"
         r"|(?:" + _H + r"{1,4}:){1,7}:"
         r"|(?:" + _H + r"{1,4}:){0,6}(?::" + _H + r"{1,4}){1,7})(?:%[0-9A-Za-z]{1,16})?")

PATTERNS = (
    Pattern("ipv4", r"(?<![0-9A-Za-z.])" + r"(?:" + _OCTET + r"\.){3}" + _OCTET + r"(?![0-9A-Za-z]|\.[0-9])",
            _ipv4, ("IP_ADDRESS",)),
    Pattern("ipv6", r"(?<![0-9A-Za-z:.])" + _IPV6 + r"(?![0-9A-Za-z:]|\.[0-9])", _ipv6, ("IP_ADDRESS",),
            hs=r"(?:" + _H + r"{0,4}:){3,7}" + _H + r"{0,4}|::"),
    Pattern("mac",
            B + r"(?:" + _H + r"{2}:){5}" + _H + r"{2}" + E + "|"
            + B + r"(?:" + _H + r"{2}-){5}" + _H + r"{2}" + E + "|"
            + B + r"(?:" + _H + r"{4}\.){2}" + _H + r"{4}" + E,
            _mac, ("MAC_ADDRESS",)),
    Pattern("imei", B + r"[0-9]{2}[ -]?[0-9]{6}[ -]?[0-9]{6}[ -]?[0-9]" + E, _imei, ("IMEI",)),
    Pattern("meid", r"(?<![A-Za-z])MEID[ :：=]{0,3}(?P<v>[0-9A-Fa-f]{14})" + E,
            _cued("MEID", "meid", "MEID"), ("MEID",), flags=re.IGNORECASE),
    Pattern("imsi", r"(?<![A-Za-z])IMSI[ :：=]{0,3}(?P<v>46[0-9]{13})" + E,
            _cued("IMSI", "imsi", "IMSI"), ("IMSI",), flags=re.IGNORECASE),
    Pattern("device-id",
            r"(?:(?<![A-Za-z])(?:IDFA|IDFV|OAID|android[ _]?id|device[ _]?id)|设备ID|设备标识)[\"' :：=]{0,4}"
            r"(?P<v>[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|[0-9A-Fa-f]{16})" + E,
            _cued("DEVICE_ID", "device-id", "device-id"), ("DEVICE_ID",), flags=re.IGNORECASE),
)
