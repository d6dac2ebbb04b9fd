"""`agency_id`: one id for one issuing body across years, formats and name variants.

An id is the body's division code and its normalised name, `350128-平潭综合实验区管理委员会`:
readable, stable across runs, and different for two bodies of one place (平潭县人民政府 and
平潭综合实验区管委会 both report for 350128).  The rules are data (patterns/agency.toml,
the renames of region_renames.csv, the researcher's patterns/agency_aliases.csv) and are
applied whenever outputs are written, so an edited alias file takes effect on the next
`report-extract panel OUT` without converting anything again.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from report_extract import patterns

NO_CODE = "000000"  # the id's code part when no division code was found


@dataclass(frozen=True)
class Rules:
    brackets: list[re.Pattern[str]]
    replace: list[tuple[re.Pattern[str], str]]
    bare: list[tuple[re.Pattern[str], str]]
    renamed_names: list[tuple[str, str]]  # (old unit name, new one), longest first
    renamed_codes: dict[str, str]  # old code → newest code
    aliases: dict[tuple[str, str], str]  # (code or "", normalised name) → normalised name


def _csv(name: str) -> list[dict[str, str]]:
    with open(patterns.path(name), encoding="utf-8-sig", newline="") as f:
        return [row for row in csv.DictReader(f) if any((v or "").strip() for v in row.values())]


@patterns.cached
def rules() -> Rules:
    spec = patterns.load_toml("agency.toml")
    renames = _csv("region_renames.csv")
    codes = {r["old_adcode"]: r["new_adcode"] for r in renames}
    for old in list(codes):  # a unit renamed twice keeps the newest code
        seen = {old}
        while codes[old] in codes and codes[old] not in seen:
            seen.add(codes[old])
            codes[old] = codes[codes[old]]
    base = Rules(
        brackets=[re.compile(p) for p in spec["brackets"]],
        replace=[(re.compile(r["pattern"]), r["with"]) for r in spec["replace"]],
        bare=[(re.compile(r["ending"]), r["body"]) for r in spec["bare"]],
        renamed_names=sorted(((r["old_name"], r["new_name"]) for r in renames), key=lambda p: -len(p[0])),
        renamed_codes=codes,
        aliases={},
    )
    aliases: dict[tuple[str, str], str] = {}
    for row in _csv("agency_aliases.csv"):
        code = codes.get(row["adcode"].strip(), row["adcode"].strip())
        region = {"adcode": code}
        aliases[code, _normalise(base, row["name"], region)] = _normalise(base, row["same_as"], region)
    return Rules(**{**base.__dict__, "aliases": aliases})


def _listed_county(region: dict[str, Any]) -> str | None:
    """The division list's name of a county the report names by a later name (平泉市 for
    平泉县: metadata/division.py, successors), else None.  The list is all that knows both
    names, so the id uses the listed one: a report from before the rename prints it."""
    county, code = region.get("county"), region.get("adcode")
    if not county or not code:
        return None
    from report_extract.metadata.division import gazetteer  # loaded only for a county-level region

    g = gazetteer()
    listed = g.listed.get(county)
    d = g.by_code.get(code)
    return listed if d is not None and d.name == listed else None


def _normalise(r: Rules, name: str, region: dict[str, Any]) -> str:
    text = unicodedata.normalize("NFKC", name)
    text = re.sub(r"\s+", "", text)
    for pattern in r.brackets:
        while (cut := pattern.sub("", text)) != text:  # nested brackets: innermost first
            text = cut
    for old, new in r.renamed_names:
        text = text.replace(old, new)
    for pattern, full in r.replace:
        text = pattern.sub(full, text)
    text = _drop_higher_places(text, region)
    for ending, body in r.bare:  # only a place's own government is named by a place
        if ending.search(text):
            text += body
            break
    return text


def _drop_higher_places(name: str, region: dict[str, Any]) -> str:
    """淮安市洪泽区人民政府 → 洪泽区人民政府; 江苏省淮安市人民政府 → 淮安市人民政府: the code
    already says where, and titles print the higher places or leave them out at will.  A
    township's body drops its county too (岳西县主簿镇人民政府 → 主簿镇人民政府): the code is
    the county's, and townships print their county one year and not the next."""
    province, city, county = region.get("province"), region.get("city"), region.get("county")
    highers: tuple[str | None, ...] = (province, city, county)
    own: str | None = "township"
    if region.get("level") != "township":
        highers, own = (province, city), county or (city if city != province else None)
    for higher in highers:
        if higher and own and higher != own and name.startswith(higher) and len(name) > len(higher):
            name = name[len(higher) :]
    return name


def agency_id(meta: dict[str, Any]) -> str | None:
    """The id of the body a report's metadata names (the JSON object's `meta`); None when
    it names none."""
    name = meta.get("agency_full") or meta.get("agency")
    if not name:
        return None
    r = rules()
    region = dict(meta.get("region") or {})
    code = region.get("adcode") or ""
    code = r.renamed_codes.get(code, code)
    listed = _listed_county(region)
    if listed is not None:  # 平泉市人民政府 → 平泉县人民政府: one id before and after the rename
        name, region["county"] = name.replace(region["county"], listed), listed
    normal = _normalise(r, name, region)
    normal = r.aliases.get((code, normal)) or r.aliases.get(("", normal)) or normal
    return f"{code or NO_CODE}-{normal}"
