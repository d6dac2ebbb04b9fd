"""Place a report: province, city, county and division code from the names it prints.

The gazetteer is the division list that ships with `cpca` (resources/adcodes.csv,
name + 12-digit code).  We read that file directly and do our own matching instead of
calling `cpca.transform`: importing `cpca` builds its own automaton and needs
`pkg_resources`, and its matcher picks an arbitrary district when a name is ambiguous
(朝阳区, 普陀区).  Matching here is a longest-match dictionary scan, which needs neither
jieba nor pandas and costs a few milliseconds per document.

Two data files in `patterns/` complete the list: `region_aliases.csv` (special zones and
customary short names) and `region_renames.csv` (撤县设区 and other renames, so that a
report gets the code that was valid in its year; cpca's list is a ~2016 snapshot).
"""

from __future__ import annotations

import csv
import importlib.util
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from report_extract import patterns

PROVINCE, CITY, COUNTY = 0, 1, 2
LEVEL_BY_RANK = {PROVINCE: "provincial", CITY: "city", COUNTY: "county"}


class Division(NamedTuple):
    """One division of the list (a NamedTuple: 3,500 are made at every start-up, and a
    frozen dataclass takes three times as long to make)."""

    code: str  # six digits
    name: str

    @property
    def rank(self) -> int:
        if self.code.endswith("0000"):
            return PROVINCE
        return CITY if self.code.endswith("00") else COUNTY

    def within(self, other: Division) -> bool:
        """True when self lies inside (or is) `other`."""
        return self.code.startswith(other.code[: (other.rank + 1) * 2])


@dataclass
class Region:
    province: str | None = None
    city: str | None = None
    county: str | None = None
    adcode: str | None = None
    level: str | None = None  # national / provincial / city / county / township


@dataclass(frozen=True)
class Mention:
    text: str
    candidates: tuple[Division, ...]


@dataclass(frozen=True)
class Rename:
    old: Division
    new: Division
    year: int  # first year the new name/code is valid


class Gazetteer:
    """Division names → divisions, plus the names that only count in short texts."""

    def __init__(
        self,
        divisions: Iterable[Division],
        aliases: dict[str, str],
        renames: Sequence[Rename],
        ignore: set[str],
        successors: dict[str, list[str]] | None = None,
        zone_after: str = "$^",
    ):
        self.by_code: dict[str, Division] = {}
        self.names: dict[str, list[Division]] = {}
        self.short: dict[str, list[Division]] = {}  # abbreviations: agency and title only
        # a county without its 县 (德清 for 德清县), in the agency and title only and only before
        # the name of a zone (`zone_after`: 德清经济开发区); elsewhere 和平 (和平县) is a word
        self.zone_short: dict[str, list[Division]] = {}
        self._zone_after = re.compile(zone_after)
        self.renames = {r.old.code: r for r in renames} | {r.new.code: r for r in renames}
        for d in divisions:
            self.by_code.setdefault(d.code, d)
        for r in renames:  # the list lacks whichever side is newer or older than its snapshot
            self.by_code.setdefault(r.old.code, r.old)
            self.by_code.setdefault(r.new.code, r.new)
        for d in self.by_code.values():
            if d.name not in ignore:
                self.names.setdefault(d.name, []).append(d)
                self._add_abbreviation(d)
        for alias, code in aliases.items():
            self.names.setdefault(alias, []).append(self.by_code[code])
        self.listed: dict[str, str] = {}  # a successor name → the listed name it stands for
        self._add_successors(successors or {}, ignore)
        # name lengths by first character, longest first: most characters start no name,
        # so the scan skips them with one lookup
        self.lengths: dict[str, list[int]] = {}
        for name in {*self.names, *self.short, *self.zone_short}:
            self.lengths.setdefault(name[0], []).append(len(name))
        for first, lengths in self.lengths.items():
            self.lengths[first] = sorted(set(lengths), reverse=True)

    def _add_successors(self, successors: dict[str, list[str]], ignore: set[str]) -> None:
        """Names a county-level place took after the list was made (撤县设市: 平泉县 →
        平泉市; 撤县设区, 撤市设区): `successors` maps a listed name's ending to the endings
        it may have become.  The list is a snapshot some years old and such renames number
        in the dozens every year, so a report printing the new name would find no place.
        A successor stands for its listed division (its old code); a name the list or the
        aliases already hold keeps its own meaning (朝阳县 → 朝阳市 is the prefecture-level
        city), and two places whose successors are spelled alike stay ambiguous.  Like an
        abbreviation, a successor counts only in a short text (the agency, the title): in
        prose it is too often part of a longer name (雄安新区 holds 安新县's 安新区)."""
        found: dict[str, list[Division]] = {}
        # a renamed place of region_renames.csv has its successor there, with its own code
        renamed = {r.old.code for r in self.renames.values()}
        names, listed = self.names, self.listed
        for code, d in self.by_code.items():
            if code.endswith("00") or code in renamed:  # not county-level (Division.rank, inlined)
                continue
            for ending, later in successors.items():
                # a stem of one character (和县 → 和市) would make a word, not a place
                if not d.name.endswith(ending) or len(d.name) - len(ending) < 2:
                    continue
                stem = d.name[: -len(ending)]
                for new_ending in later:
                    name = stem + new_ending
                    if name not in names and name not in self.short and name not in ignore:
                        found.setdefault(name, []).append(Division(code, name))
                        listed[name] = d.name
        self.short.update(found)

    def _add_abbreviation(self, d: Division) -> None:
        # 河南省 → 河南, 上海市 → 上海, 新乡市 → 新乡, 德清县 → 德清 (zone_short); 自治区 short
        # names come from the alias file.  Not a district's: 和平区, 新华区 and 长安区 would
        # make words of 和平, 新华, 长安.
        rank = d.rank
        if rank == COUNTY:
            if d.name.endswith("县") and not d.name.endswith("自治县") and len(d.name) >= 3:
                self.zone_short.setdefault(d.name[:-1], []).append(d)
            return
        suffix = _PROVINCE_SUFFIX.search(d.name) if rank == PROVINCE else _CITY_SUFFIX.search(d.name)
        short = d.name[: suffix.start()] if suffix else d.name
        if short != d.name and len(short) >= 2:
            self.short.setdefault(short, []).append(d)

    def mentions(self, text: str, short_text: bool) -> list[Mention]:
        """Place names in `text`, longest match first, left to right.  Two-character
        names (新县, 上海) and abbreviations only count in a short text such as the
        agency or title: in prose they are too often ordinary words."""
        found: list[Mention] = []
        names, short, lengths = self.names, self.short, self.lengths
        i, size = 0, len(text)
        while i < size:
            for n in lengths.get(text[i], ()):
                if (n <= 2 and not short_text) or i + n > size:
                    continue  # too short for prose, or past the end: no match
                key = text[i : i + n]
                hits = names.get(key, []) + (short.get(key, []) if short_text else [])
                if not hits and short_text and key in self.zone_short and self._zone_after.match(text, i + n):
                    hits = self.zone_short[key]
                if hits:
                    found.append(Mention(key, tuple(dict.fromkeys(hits))))
                    i += n
                    break
            else:
                i += 1
        return found

    def parent(self, d: Division, rank: int) -> Division | None:
        code = d.code[: (rank + 1) * 2].ljust(6, "0")
        return self.by_code.get(code)

    def for_year(self, d: Division, year: int | None) -> Division:
        """The division valid in `year` when `d` was renamed (撤县设区)."""
        r = self.renames.get(d.code)
        if r is None or year is None:
            return d
        return r.new if year >= r.year else r.old

    def region(self, d: Division) -> Region:
        """Province / city / county names and code for `d`, spelled as the list spells
        them; a municipality (a province-level 市) is its own city."""
        province = self.parent(d, PROVINCE)
        municipality = province is not None and province.name.endswith("市")
        city = province if municipality else (self.parent(d, CITY) if d.rank >= CITY else None)
        if city is not None and city.name in _PLACEHOLDERS:  # 省直辖县级行政区划 is no city
            city = None
        return Region(
            province=province.name if province else None,
            city=city.name if city else None,
            county=d.name if d.rank == COUNTY else None,
            adcode=d.code,
            level=LEVEL_BY_RANK[d.rank],
        )


_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_PROVINCE_SUFFIX = re.compile(r"(?:省|市|特别行政区)$")
_CITY_SUFFIX = re.compile(r"市$")


def _cpca_adcodes() -> Path:
    # find_spec locates the installed package without executing cpca/__init__.py
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the cpca package (division list) is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _divisions(path: Path) -> Iterator[Division]:
    """The division list's (code, name) rows (csv.reader: twice as fast as DictReader here)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = csv.reader(f)
        header = next(rows, [])
        code, name = header.index("adcode"), header.index("name")
        for r in rows:
            yield Division(r[code][:6], r[name])


@patterns.cached
def gazetteer() -> Gazetteer:
    """Loaded once per process, on first use (~10 ms)."""
    divisions = _divisions(_cpca_adcodes())
    aliases = {r["alias"]: r["adcode"] for r in _read_csv(patterns.path("region_aliases.csv"))}
    renames = [
        Rename(
            Division(r["old_adcode"], r["old_name"]), Division(r["new_adcode"], r["new_name"]), int(r["changed_year"])
        )
        for r in _read_csv(patterns.path("region_renames.csv"))
    ]
    region = patterns.load_toml("meta.toml")["region"]
    return Gazetteer(
        divisions, aliases, renames, set(region["ignore"]), region.get("successors", {}), region.get("zone_after", "$^")
    )


def _pick(m: Mention, context: list[Division]) -> Division | None:
    """One division for a mention: unique, or the only candidate inside a place named elsewhere."""
    if len(m.candidates) == 1:
        return m.candidates[0]
    inside = [c for c in m.candidates if any(c.within(x) and c != x for x in context)]
    if len(inside) == 1:
        return inside[0]
    ranks = sorted(m.candidates, key=lambda c: c.rank)
    # "吉林" is the province or the city: without other evidence, the larger unit
    if not inside and ranks[0].rank < ranks[1].rank:
        return ranks[0]
    return None


def resolve(sources: Sequence[tuple[str, bool]], year: int | None = None) -> tuple[Region, list[str]]:
    """Region from texts in order of trust, each `(text, short_text)`.

    The first text that names a place decides; within it the most specific name that
    lies inside the first one wins (淮安市洪泽区 → 洪泽区).  Every unambiguous province or
    city named anywhere disambiguates a repeated district name (普陀区 + 上海市)."""
    g = gazetteer()
    per_source = [g.mentions(text, short) for text, short in sources if text]
    context = [
        m.candidates[0] for ms in per_source for m in ms if len(m.candidates) == 1 and m.candidates[0].rank < COUNTY
    ]
    for ms in per_source:
        if not ms:
            continue
        picks = [d for d in (_pick(m, context) for m in ms) if d is not None]
        if not picks:
            names = "、".join(dict.fromkeys(m.text for m in ms))
            return Region(), [f"region: ambiguous place name {names}; pass it as an override"]
        first = picks[0]
        nested = [d for d in picks if d.within(first) or first.within(d)]
        best = g.for_year(max(nested, key=lambda d: d.rank), year)
        listed = g.listed.get(best.name)
        if listed is None or g.by_code.get(best.code, best).name == best.name:
            return g.region(best), []
        return g.region(best), [
            f"region: {best.name} is not in the division list; taken as {listed} ({best.code}), "
            "its name before a rename (撤县设市/设区): the adcode is the old one"
        ]
    return Region(), ["region: no place name in agency, title, text or header"]


def region_from_names(province: str | None, city: str | None, county: str | None, year: int | None = None) -> Region:
    """Region for names a user supplied (an override row) — fills the code and level."""
    text = "".join(n for n in (province, city, county) if n)
    region, _ = resolve([(text, True)], year)
    return region


def region_from_code(adcode: str, year: int | None = None) -> Region:
    d = gazetteer().by_code.get(adcode[:6])
    return gazetteer().region(gazetteer().for_year(d, year)) if d else Region(adcode=adcode[:6])
