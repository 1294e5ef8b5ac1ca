"""International identifiers: US SSN, non-Chinese passports, and national IDs that
python-stdnum validates.

National ID numbers of most countries are short digit strings that collide with anything,
so each one is recognised only right after one of its own cue words (``PESEL``, ``Aadhaar``,
``주민등록번호``, ``codice fiscale`` …) and only when python-stdnum's validator for that
country accepts it (checksum, date, length). The span is the number only.

``US_SSN``: ``AAA-GG-SSSS`` (area not 000/666/9xx, group not 00, serial not 0000); with
hyphens it scores 0.6 alone, a cue raises it; nine bare digits need a cue.
"""

from __future__ import annotations

import importlib
import re
from functools import cache

from piguard.detect.recognizers.base import B, Candidate, E, Pattern

# entity → (stdnum module(s), cue words). Cue words are matched case-insensitively.
NATIONAL_IDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "AR_NATIONAL_ID": (("ar.dni",), ("DNI argentino", "documento nacional de identidad")),
    "AT_NATIONAL_ID": (("at.vnr",), ("Versicherungsnummer", "SVNR", "VSNR")),
    "AU_TFN": (("au.tfn",), ("TFN", "tax file number")),
    "BE_NATIONAL_ID": (("be.nn",), ("Rijksregisternummer", "numéro national", "national number")),
    "BG_NATIONAL_ID": (("bg.egn",), ("EGN", "ЕГН")),
    "BR_CPF": (("br.cpf",), ("CPF",)),
    "CA_SIN": (("ca.sin",), ("SIN", "social insurance number", "NAS")),
    "CH_NATIONAL_ID": (("ch.ssn",), ("AHV", "AVS", "AHV-Nr")),
    "CL_NATIONAL_ID": (("cl.rut",), ("RUT", "RUN")),
    "CR_NATIONAL_ID": (("cr.cpf",), ("cédula de identidad", "cedula")),
    "CU_NATIONAL_ID": (("cu.ni",), ("carné de identidad", "número de identidad")),
    "CZ_NATIONAL_ID": (("cz.rc",), ("rodné číslo", "rodne cislo")),
    "DE_NATIONAL_ID": (("de.idnr",), ("Steuer-ID", "Steueridentifikationsnummer", "IdNr")),
    "DK_NATIONAL_ID": (("dk.cpr",), ("CPR", "CPR-nr", "personnummer")),
    "DO_NATIONAL_ID": (("do.cedula",), ("cédula dominicana",)),
    "EC_NATIONAL_ID": (("ec.ci",), ("cédula ecuatoriana",)),
    "EE_NATIONAL_ID": (("ee.ik",), ("isikukood",)),
    "ES_NATIONAL_ID": (("es.dni", "es.nie"), ("DNI", "NIE", "NIF")),
    "FI_NATIONAL_ID": (("fi.hetu",), ("HETU", "henkilötunnus", "personbeteckning")),
    "FR_NATIONAL_ID": (("fr.nir",), ("NIR", "numéro de sécurité sociale", "INSEE")),
    "GR_NATIONAL_ID": (("gr.amka",), ("AMKA", "ΑΜΚΑ")),
    "HR_NATIONAL_ID": (("hr.oib",), ("OIB",)),
    "ID_NATIONAL_ID": (("id.nik",), ("NIK", "KTP")),
    "IE_NATIONAL_ID": (("ie.pps",), ("PPS", "PPSN", "PPS number")),
    "IL_NATIONAL_ID": (("il.idnr",), ("teudat zehut", "תעודת זהות", "Israeli ID")),
    "IN_AADHAAR": (("in_.aadhaar",), ("Aadhaar", "आधार", "UIDAI")),
    "IN_PAN": (("in_.pan",), ("PAN", "PAN card", "permanent account number")),
    "IS_NATIONAL_ID": (("is_.kennitala",), ("kennitala",)),
    "IT_NATIONAL_ID": (("it.codicefiscale",), ("codice fiscale", "C.F.")),
    "JP_MY_NUMBER": (("jp.in_",), ("My Number", "マイナンバー", "個人番号")),
    "KR_RRN": (("kr.rrn",), ("RRN", "주민등록번호", "resident registration number")),
    "LT_NATIONAL_ID": (("lt.asmens",), ("asmens kodas",)),
    "LV_NATIONAL_ID": (("lv.pvn",), ("personas kods",)),
    "MD_NATIONAL_ID": (("md.idno",), ("IDNO", "IDNP")),
    "MX_CURP": (("mx.curp",), ("CURP",)),
    "MY_NATIONAL_ID": (("my.nric",), ("NRIC", "MyKad", "IC number")),
    "NL_NATIONAL_ID": (("nl.bsn",), ("BSN", "burgerservicenummer")),
    "NO_NATIONAL_ID": (("no.fodselsnummer",), ("fødselsnummer", "fodselsnummer")),
    "NZ_IRD": (("nz.ird",), ("IRD", "IRD number")),
    "PE_NATIONAL_ID": (("pe.cui",), ("CUI", "DNI peruano")),
    "PL_NATIONAL_ID": (("pl.pesel",), ("PESEL",)),
    "PT_NATIONAL_ID": (("pt.nif",), ("NIF português", "número de contribuinte")),
    "RO_NATIONAL_ID": (("ro.cnp",), ("CNP", "cod numeric personal")),
    "SE_NATIONAL_ID": (("se.personnummer",), ("personnummer", "personnr")),
    "SI_NATIONAL_ID": (("si.emso",), ("EMŠO", "EMSO")),
    "TH_NATIONAL_ID": (("th.pin",), ("Thai ID", "เลขประจำตัวประชาชน")),
    "TR_NATIONAL_ID": (("tr.tckimlik",), ("TC Kimlik", "T.C. Kimlik No", "TCKN")),
    "UA_NATIONAL_ID": (("ua.rntrc",), ("RNTRC", "РНОКПП", "ІПН")),
    "ZA_NATIONAL_ID": (("za.idnr",), ("South African ID", "SA ID", "ID number (ZA)")),
}

_CUE_TO_ENTITIES: dict[str, list[str]] = {}
for _entity, (_mods, _cues) in NATIONAL_IDS.items():
    for _cue in _cues:
        _CUE_TO_ENTITIES.setdefault(_cue.lower(), []).append(_entity)


@cache
def _module(name: str):
    return importlib.import_module("stdnum." + name)


def _national(text: str, m: re.Match[str]) -> Candidate | list[Candidate] | None:
    cue = m.group("cue").lower()
    raw = m.group("v")
    # The value group is greedy over separators and letters: try the longest prefix that
    # validates, cutting at separators, so "PESEL 44051401458 and" gives "44051401458".
    cuts = [len(raw)] + [i for i in range(len(raw) - 1, 3, -1) if raw[i] in " -./"]
    for entity in _CUE_TO_ENTITIES.get(cue, ()):
        for mod_name in NATIONAL_IDS[entity][0]:
            mod = _module(mod_name)
            for cut in cuts:
                value = raw[:cut].rstrip(" -./")
                try:
                    ok = mod.is_valid(value)
                except Exception:
                    ok = False
                if ok:
                    start = m.start("v")
                    return Candidate(entity, start, start + len(value), 1.0 if _has_check(mod) else 0.9,
                                     (f"pattern:{entity.lower()}", f"check:stdnum.{mod_name}",
                                      f"context:{m.group('cue')}"))
    return None


def _has_check(mod) -> bool:
    return hasattr(mod, "calc_check_digit") or hasattr(mod, "calc_check_digits")


def _ssn(text: str, m: re.Match[str]) -> Candidate:
    return Candidate("US_SSN", m.start(), m.end(), 0.6, ("pattern:us-ssn", "check:ssa-ranges"))


def _passport(text: str, m: re.Match[str]) -> Candidate | None:
    value = m.group("v")
    if not any(c.isdigit() for c in value):
        return None
    return Candidate("PASSPORT", m.start("v"), m.end("v"), 0.75,
                     ("pattern:passport", "context:passport"))


# Short upper-case acronyms (PAN, SIN, RUN, NIE …) are everyday words in lower case, so they
# match case-sensitively; longer cues match in any case.
_ALL_CUES = [c for _, (_, cues) in NATIONAL_IDS.items() for c in cues]
_SHORT = sorted({c for c in _ALL_CUES if len(c) <= 4 and c.isupper()}, key=len, reverse=True)
_LONG = sorted({c.lower() for c in _ALL_CUES if c not in _SHORT}, key=len, reverse=True)
_VALUE = (r"(?:[ ]?(?:no\.?|nr\.?|number|num|#|n°|номер))?(?: (?:is|was|:))?[ :：#=]{0,3}"
          r"(?P<v>[0-9A-Za-z][0-9A-Za-z./ -]{3,22}[0-9A-Za-z])")


def _national_pattern(name: str, cues: list[str], flags: int) -> Pattern:
    alt = "|".join(re.escape(c) for c in cues)
    return Pattern(name, r"(?<![A-Za-z])(?P<cue>" + alt + r")(?![A-Za-z])" + _VALUE,
                   _national, tuple(NATIONAL_IDS), flags=flags,
                   # Prefilter on the cue alone, as a whole word: the value part would report
                   # every possible end.
                   hs=r"(?:^|[^A-Za-z])(?:" + alt + r")(?:[^A-Za-z]|$)")

PATTERNS = (
    _national_pattern("national-id", _LONG, re.IGNORECASE),
    _national_pattern("national-id-acronym", _SHORT, 0),
    Pattern("us-ssn", B + r"(?!000|666|9)[0-9]{3}-(?!00)[0-9]{2}-(?!0000)[0-9]{4}" + E, _ssn, ("US_SSN",)),
    # Nine bare or space-separated digits are an SSN only right after the cue.
    Pattern("us-ssn-cued",
            r"(?<![A-Za-z])(?:SSN|social security(?: number| no\.?)?)(?: is|:)?[ :：#=]{0,3}"
            r"(?P<v>(?!000|666|9)[0-9]{3}(?: (?!00)[0-9]{2} |(?!00)[0-9]{2})(?!0000)[0-9]{4})" + E,
            lambda t, m: Candidate("US_SSN", m.start("v"), m.end("v"), 0.9,
                                   ("pattern:us-ssn", "check:ssa-ranges", "context:SSN")),
            ("US_SSN",), flags=re.IGNORECASE),
    Pattern("passport",
            r"(?<![A-Za-z])passport(?: (?:no\.?|number|#))?[ :：#]{0,3}(?P<v>[A-Z0-9]{6,9})" + E,
            _passport, ("PASSPORT",), flags=re.IGNORECASE),
)
