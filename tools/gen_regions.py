"""Generate ``src/crm/dictionary/data/regions.json`` (China's provinces and prefecture-level cities).

Data source: the ``adcodes.csv`` file shipped inside the PyPI package ``cpca`` (MIT licence,
https://github.com/DQinYuan/chinese_province_city_area_mapper), resource ``cpca/resources/adcodes.csv``.
It holds 12-digit administrative division codes whose first six digits are GB/T 2260 codes.
Only that file is read; ``cpca`` itself is never imported (importing it pulls in pandas).

cpca 0.5.5's table dates from about 2018, so two later changes are applied below (see CORRECTIONS):
莱芜市 (371200) was merged into 济南市 in January 2019, and 那曲地区 (542400) became 那曲市 (540600).

How to run it (cpca does not belong in the project's dependencies, so use a throw-away venv):

    python3.11 -m venv /tmp/regvenv
    /tmp/regvenv/bin/pip install cpca
    /tmp/regvenv/bin/python tools/gen_regions.py            # run from the repository root
    /tmp/regvenv/bin/python tools/gen_regions.py --csv PATH/TO/adcodes.csv --out OTHER.json

Output: a JSON list of provincial-level divisions sorted by code, each
``{"code", "name", "short", "cities": [{"code", "name"}, ...]}``. Municipalities get a single city
entry (code xx0100, named after the municipality); "directly administered county-level" groups
(xx9000) are left out; Hong Kong, Macau and Taiwan have no prefecture-level entries.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "src" / "crm" / "dictionary" / "data" / "regions.json"

MUNICIPALITIES = {"11", "12", "31", "50"}

# Changes made after cpca's data was compiled: code -> None (abolished) or (new code, new name).
CORRECTIONS: dict[str, tuple[str, str] | None] = {
    "371200": None,  # 莱芜市, merged into 济南市 (国函〔2019〕4号)
    "542400": ("540600", "那曲市"),  # 那曲地区 became a prefecture-level city
}

# Suffixes stripped (in this order) to turn a full provincial name into its short form.
SHORT_SUFFIXES = ("特别行政区", "自治区", "省", "市", "维吾尔", "壮族", "回族")


def find_csv() -> Path:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("cpca is not installed in this interpreter; pass --csv or see the module docstring")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


def short_name(name: str) -> str:
    for suffix in SHORT_SUFFIXES:
        name = name.removesuffix(suffix)
    return name


def build(csv_path: Path) -> list[dict]:
    with csv_path.open(encoding="utf-8", newline="") as fh:
        rows = [(row["adcode"][:6], row["name"].strip()) for row in csv.DictReader(fh)]

    provinces: dict[str, dict] = {}
    cities: dict[str, str] = {}
    for code, name in rows:
        if code[2:] == "0000":
            provinces[code] = {"code": code, "name": name, "short": short_name(name), "cities": []}
        elif code[4:] == "00" and code[2:4] != "90":
            cities[code] = name

    for old, new in CORRECTIONS.items():
        if old in cities:
            del cities[old]
            if new is not None:
                cities[new[0]] = new[1]

    for code, name in sorted(cities.items()):
        province = provinces[code[:2] + "0000"]
        if code[:2] in MUNICIPALITIES:
            # cpca lists 市辖区 (xx0100) and, for Chongqing, 县 (500200): collapse to one entry.
            if not province["cities"]:
                province["cities"].append({"code": code[:2] + "0100", "name": province["name"]})
            continue
        province["cities"].append({"code": code, "name": name})

    return [provinces[code] for code in sorted(provinces)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, help="path to cpca's adcodes.csv (default: locate cpca)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()

    data = build(args.csv or find_csv())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    total = sum(len(p["cities"]) for p in data)
    print(f"wrote {args.out}: {len(data)} provinces, {total} cities")


if __name__ == "__main__":
    main()
