#!/usr/bin/env python3
"""Writes src/piguard/data/world_places_zh.txt: Chinese names of the world's countries and
territories and of the cities that name time zones, from the Unicode CLDR data that Babel
ships (Unicode License v3, permissive).  Babel is needed only here, not at run time:

    python3 -m venv /tmp/babel && /tmp/babel/bin/pip install 'babel>=2.16'
    /tmp/babel/bin/python scripts/gen_world_places.py

The name tagger reads transliterated foreign names (哈里森, 威尔逊) as places as often as
persons; this list lets it tell a country or city (巴基斯坦, 马拉维) from a person.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel import Locale, __version__

OUT = Path(__file__).resolve().parent.parent / "src" / "piguard" / "data" / "world_places_zh.txt"
HAN = re.compile(r"^[\u3400-\u9fff·]{2,12}$")


def main() -> int:
    kinds: dict[str, str] = {}
    for loc in ("zh", "zh_Hant"):
        locale = Locale.parse(loc)
        for zone, v in locale.time_zones.items():
            # Antarctic stations are named after people (戴维斯, 凯西): not places for this list
            if v.get("city") and not zone.startswith("Antarctica/"):
                kinds.setdefault(v["city"].strip(), "city")
        for name in locale.territories.values():
            kinds[name.strip()] = "territory"
    lines = [f"# Chinese names of countries/territories and time-zone cities: Unicode CLDR via Babel {__version__}",
             "# (Unicode License v3). name<TAB>territory|city. Regenerate: scripts/gen_world_places.py",
             *(f"{n}\t{k}" for n, k in sorted(kinds.items()) if HAN.match(n))]
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(OUT)
    print(f"{len(lines) - 2} names -> {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
