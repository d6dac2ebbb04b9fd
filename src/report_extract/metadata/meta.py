"""Report metadata: title, agency, year, publication date, region, level and kind.

Every pattern lives in patterns/meta.toml; place names come from the division list
(see metadata/division.py).  Known metadata from a crawl (a CSV of source → agency/region …) can be
passed as overrides and wins over what the text says.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from report_extract.contract.values import chinese_count
from report_extract.metadata.division import Region, gazetteer, region_from_code, region_from_names, resolve
from report_extract.model.document import Document, TableBlock
from report_extract.patterns import load_toml
from report_extract.reading.charset import decode
from report_extract.settings import current

# Override columns, in the order a reports.csv row lists them; `region` fields are flat here.
OVERRIDE_FIELDS = ("title", "agency", "year", "published", "province", "city", "county", "adcode", "level", "kind")
REGION_FIELDS = ("province", "city", "county", "adcode", "level")
KEY_COLUMNS = ("source_path", "source", "path", "file", "url")


@dataclass
class Meta:
    title: str | None = None
    agency: str | None = None
    year: int | None = None  # the year the report covers
    published: str | None = None  # ISO date printed on the page, if any
    template: str | None = None
    region: Region = field(default_factory=Region)
    kind: str | None = None  # government | department
    agency_full: str | None = None  # agency with the city/province the title leaves out
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The contract's `meta` object (region nested)."""
        d = asdict(self)
        d.pop("warnings")
        return d


def _patterns() -> dict:
    return load_toml("meta.toml")


def squash(text: str) -> str:
    """Drop the spaces PDF/Word exports put between CJK characters and digits."""
    return re.sub(r"\s+", "", text)


# Year digits as printed: full-width, Chinese numerals, the banker's forms (贰零贰叁), and
# the circles and letters typed for 〇 (○, O, o, 0 among Chinese numerals: 二○二三, 二O二三).
_DIGITS = str.maketrans(
    "０１２３４５６７８９〇○OoΟ零一二三四五六七八九壹贰叁肆伍陆柒捌玖", "0123456789000000123456789123456789"
)
_YEAR_CHARS = "０-９0-9〇○OoΟ零一二三四五六七八九壹贰叁肆伍陆柒捌玖"


def arabic_years(text: str) -> str:
    """２０２３年 / 二〇二三年 / 贰零贰叁年 → 2023年, so one pattern reads every printed year.
    Only four characters before 年 that hold a Chinese numeral or are all digits: "2O23"
    typed with a letter O is no year (nor is "Oooo年")."""

    def year(m: re.Match) -> str:
        chars = m.group(0)
        if not (chars.isdigit() or re.search("[〇零一二三四五六七八九壹贰叁肆伍陆柒捌玖]", chars)):
            return chars
        return chars.translate(_DIGITS)

    return re.sub(rf"(?<![{_YEAR_CHARS}])[{_YEAR_CHARS}]{{4}}(?=\s*年)", year, text)


def arabic_dates(text: str) -> str:
    """二〇二四年一月十五日 → 2024年1月15日: years by arabic_years, months and days here."""

    def month_day(m: re.Match[str]) -> str:
        month, day = chinese_count(m[2]), chinese_count(m[5])
        return m[0] if month is None or day is None else f"{m[1]}{month}{m[3]}月{m[4]}{day}"

    return re.sub(
        r"(?<=年)(\s*)([〇零一二三四五六七八九十]{1,3})(\s*)月(\s*)([〇零一二三四五六七八九十]{1,3})(?=\s*日)",
        month_day,
        arabic_years(text),
    )


def _lines(doc: Document, limit: int) -> list[str]:
    out: list[str] = []
    for b in doc.blocks:
        if isinstance(b, TableBlock):
            continue
        out.extend(s.strip() for s in b.text.splitlines() if s.strip())
        if len(out) >= limit:
            break
    return out[:limit]


def _header(doc: Document, keys: list[str]) -> list[str]:
    return [doc.header[k].strip() for k in keys if doc.header.get(k, "").strip()]


@dataclass(frozen=True)
class Title:
    text: str
    agency: str
    year: int | None  # None: a heading without one (the statistics period gives it)


def _one_name(name: str) -> str:
    """A name printed twice is one name: a site name that ends with the agency's, glued
    before it ("中华人民共和国商务部商务部", "贵阳市人民政府贵阳市人民政府")."""
    m = re.search(r"(.{2,})\1$", name)
    return m.group(1) if m else name


def _name_before_year(pre: str) -> str:
    """The words a title prints before its year, without those that are no part of the
    agency's name: a leading 关于, a trailing 关于/的, a website column's name."""
    p = _patterns()["title"]
    pre = re.sub(p["agency_lead_noise"], "", squash(pre))
    return re.sub(p["column_name"], "", re.sub(p["agency_head_noise"], "", pre))


def _parse_title(text: str, before: str | None = None) -> Title | None:
    """A title in `text`; `before` is the line printed above it, taken as the issuing
    body when the title itself starts with the year."""
    p = _patterns()["title"]
    m = re.search(p["pattern"], arabic_years(text))
    if not m or re.search(p["notice"], text):
        return None
    pre = _name_before_year(m.group("pre") or "")
    post = re.sub(p["agency_tail"], "", squash(m.group("post")))
    title = squash(m.group(0))
    # "南宁市上林县人民政府 2023年南宁市上林县人民政府办公室…": a name before the year,
    # set apart by a space or repeated by the name after it, is the site's, not the agency's.
    if pre and post and (m.group("pre") != text[m.start("pre") : m.start("year")] or post.startswith(pre)):
        pre, title = "", squash(text[m.start("year") : m.end()])
    if (
        not pre
        and not post
        and before
        and re.fullmatch(p["name_line"], before)
        and not re.search(p["column_name"], squash(before))
    ):
        pre, title = squash(before), squash(before) + title
    return Title(title, _one_name(pre + post), int(m.group("year")))


def _starts_with_place(name: str) -> bool:
    found = gazetteer().mentions(name, True)
    return bool(found) and name.startswith(found[0].text)


def _heading_lines(doc: Document) -> list[str]:
    """The document's own headings and the lines at its top, in printed order; a
    letter-spaced run read joined (德 清 县 人 民 政 府 → 德清县人民政府)."""
    p = _patterns()["title"]
    return [re.sub(p["spaced_run"], _joined, line) for line in _lines(doc, p["search_lines"])]


def _joined(m: re.Match[str]) -> str:
    return m.group(0).replace(" ", "")


def signature_agency(text: str) -> str | None:
    """The body named in the signature at the end of the text (a name line among the
    last lines, the date under it), or None."""
    p = _patterns()["title"]
    date = _patterns()["published"]["signature"]
    # the date may stand on the name's line ("柘城县交通运输局 2023年1月16日")
    lines = [squash(re.sub(date + r"\s*$", "", line)) for line in text.strip().splitlines()[-p["signature_lines"] :]]
    names = [line for line in lines if re.fullmatch(p["signature_name"], line)]
    return names[-1] if names else None


def _as_heading(line: str, before: str | None, year_after: bool = False) -> Title | None:
    """The title, when `line` prints nothing else (a page's visible heading); with
    `year_after`, also one that prints the year after the body's name, or none."""
    t = _year_after(line) if year_after else _parse_title(line, before)
    if t and t.agency and len(squash(line)) - len(t.text) <= _patterns()["title"]["heading_slack"]:
        return t
    return None


def _year_after(line: str) -> Title | None:
    """A heading that names the body first and prints the year after it, or none.  Not
    a document the text cites (《关于印发…年度报告格式》)."""
    p = _patterns()["title"]
    text = arabic_years(line)
    m = re.search(p["heading_year_after"], text)
    if not m or re.search(p["notice"], line) or re.search(p["cited"], text[: m.start()] + m.group("pre")):
        return None
    pre = _name_before_year(m.group("pre"))
    if re.fullmatch(p["not_a_body"], pre):
        return None
    return Title(squash(m.group(0)), _one_name(pre), int(m.group("year")) if m.group("year") else None)


def _split_headings(lines: list[str]) -> Iterator[tuple[str, str | None]]:
    """Headings printed over two or more short lines, joined, with the line above them."""
    p = _patterns()["title"]
    # two lines before three: a word printed above a heading ("正文") is no part of it
    for k in range(2, p["heading_lines"] + 1):
        for i in range(len(lines) - k + 1):
            part = lines[i : i + k]
            if all(len(squash(x)) <= p["heading_line_chars"] for x in part):
                yield "".join(part), lines[i - 1] if i else None


def find_title(doc: Document) -> Title | None:
    """The page's visible heading (a line that is the title, naming its agency) first: a
    CMS <title> or crawler header often glues the site name on.  Then the crawler/CMS
    title, then the body's first lines; a title split over two lines (…政府信息公开工作 /
    年度报告) is joined."""
    lines = _heading_lines(doc)
    t = _find_title(doc, lines)
    return _placed(t, lines) if t else None


def _placed(t: Title, lines: list[str]) -> Title:
    """A township body named without its county, where the county stands alone on the
    line above the name ("岳西县" / "主簿镇人民政府" / "二〇二四年…报告"): the title as
    printed starts with the county."""
    if not t.agency or not re.match(_patterns()["title"]["township_lead"], t.agency) or _starts_with_place(t.agency):
        return t
    for i, line in enumerate(lines):
        if squash(line).startswith(t.agency):  # where the name is printed first
            if not i or not _is_place_name(squash(lines[i - 1])):  # the line above: 岳西县, 安庆市岳西县
                return t
            place = squash(lines[i - 1])
            return Title(place + t.text if t.text.startswith(t.agency) else t.text, place + t.agency, t.year)
    return t


def _find_title(doc: Document, lines: list[str]) -> Title | None:
    p = _patterns()["title"]
    for i, line in enumerate(lines):
        t = _as_heading(line, lines[i - 1] if i else None)
        if t:
            return t
    for joined, before in _split_headings(lines):
        t = _as_heading(joined, before) or _as_heading(joined, before, year_after=True)
        if t:
            return t
    for line in lines:
        t = _as_heading(line, None, year_after=True)
        if t:
            return t
    for text in _header(doc, p["header_keys"]) + ([doc.title_hint] if doc.title_hint else []):
        t = _parse_title(text)
        if t and t.agency:
            return t
    for i, line in enumerate(lines):
        before = lines[i - 1] if i else None
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        # joined only when the next line is not a title of its own (a column name above
        # the title is not the start of it)
        for text in (line, line + nxt) if nxt and not _parse_title(nxt) else (line,):
            t = _parse_title(text, before)
            if t:
                return t
    return None


def _iso(y: str, m: str, d: str) -> str | None:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def find_published(doc: Document, text: str) -> str | None:
    """Header date, a 发布日期 label on the page, or the date under the signature."""
    p = _patterns()["published"]
    for value in _header(doc, p["header_keys"]):
        m = re.search(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})", value)
        if m:
            return _iso(*m.groups())
    m = re.search(p["labelled"], text)
    if m:
        return _iso(m["y"], m["m"], m["d"])
    dates = list(re.finditer(p["signature"], arabic_dates(text[-p["tail_chars"] :])))
    if not dates:
        return None
    last = dates[-1]
    return _iso(last["y"], last["m"] or last["m2"], last["d"] or last["d2"])


def find_year(title: Title | None, text: str, published: str | None) -> tuple[int | None, list[str]]:
    """Title year, else the statistics period, else the year before publication."""
    p = _patterns()["year"]
    m = re.search(p["period"], arabic_years(text[: p["search_chars"]]))
    period = int(m["year"]) if m else None
    if title and title.year is not None:
        note = (
            [] if period in (None, title.year) else [f"year: title says {title.year}, statistics period says {period}"]
        )
        return title.year, note
    if period:
        return period, []
    if published:
        return int(published[:4]) - 1, ["year: taken as the year before publication"]
    return None, ["year: not found"]


def _matches_any(patterns: list[str], text: str) -> bool:
    return any(re.search(p, text) for p in patterns)


def classify(agency: str | None, region: Region) -> tuple[str | None, str | None]:
    """(kind, level).  Level comes from the division code unless the agency is a
    national body or a township (below the list's county level)."""
    if not agency:
        return None, region.level
    p = _patterns()
    government = _is_place_name(agency) or _matches_any(p["kind"]["government"], agency)
    kind = "government" if government else "department"
    if _matches_any(p["level"]["township"], agency):
        return kind, "township"
    if region.adcode is None and _matches_any(p["level"]["national"], agency):
        return kind, "national"
    return kind, region.level


def _national(agency: str | None) -> bool:
    """A national body by its name (交通运输部, 国家统计局): no place in the name."""
    if not agency:
        return False
    return _matches_any(_patterns()["level"]["national"], agency) and not gazetteer().mentions(agency, True)


def _is_place_name(agency: str) -> bool:
    """平潭综合实验区, 淮安市: an agency that is only place names is that place's government."""
    rest = agency
    for m in gazetteer().mentions(agency, True):
        rest = rest.replace(m.text, "", 1)
    return not rest


def full_agency(agency: str | None, region: Region) -> str | None:
    """The agency with its city when the title starts with a county name only
    (洪泽区人民政府 → 淮安市洪泽区人民政府), the customary full name of a county body."""
    if agency and region.county and region.city and agency.startswith(region.county):
        return region.city + agency
    return agency


def load_overrides(csv_path: str | Path) -> dict[str, dict]:
    """Known metadata from a CSV with a key column (source_path, source, path, file or
    url) and any of OVERRIDE_FIELDS.  Rows are keyed by the key as written and by its
    file name; empty cells are left out, so they never blank a detected value."""
    # decoded as any text is (reading/charset.py): Excel saves a Chinese CSV in GBK
    reader = csv.DictReader(io.StringIO(decode(Path(csv_path).read_bytes()).text, newline=""))
    if not set(reader.fieldnames or ()) & set(KEY_COLUMNS):
        raise ValueError(f"{csv_path}: no key column; name one of {', '.join(KEY_COLUMNS)} in the header")
    for column in reader.fieldnames or ():
        # A typo of a field (yaer) left every year detected, silently (newcomer's trial);
        # a column of the CSV's own (notes, published_at) is no field's near miss of about
        # its length and is ignored.
        known = OVERRIDE_FIELDS + KEY_COLUMNS
        alike = [k for k in known if abs(len(k) - len(column)) <= 1]
        near = difflib.get_close_matches(column, alike, n=1, cutoff=current().meta_column_match)
        if near and column not in known:
            raise ValueError(f"{csv_path}: column {column!r} is no metadata field; did you mean {near[0]!r}?")
    out: dict[str, dict] = {}
    for line, row in enumerate(reader, start=2):
        key_col = next((k for k in KEY_COLUMNS if (row.get(k) or "").strip()), None)
        if key_col is None:
            continue
        values = {k: row[k].strip() for k in OVERRIDE_FIELDS if (row.get(k) or "").strip()}
        if "year" in values:
            if not values["year"].isdigit():
                raise ValueError(f"{csv_path}: line {line}: year {values['year']!r} is not a year")
            values["year"] = int(values["year"])
        key = row[key_col].strip()
        out[key] = values
        out.setdefault(Path(key.split("?")[0].rstrip("/")).name, values)
    return out


def _override_for(doc: Document, overrides: dict | None) -> dict:
    if not overrides:
        return {}
    keys = [doc.path, Path(doc.path).name] + list(doc.header.values())
    return next((overrides[k] for k in keys if k in overrides), {})


def _region_override(region: Region, o: dict, year: int | None) -> Region:
    """Supplied names or code win; the missing parts are filled from the division list."""
    if not any(k in o for k in REGION_FIELDS):
        return region
    if "adcode" in o:
        base = region_from_code(o["adcode"], year)
    elif any(k in o for k in ("province", "city", "county")):
        base = region_from_names(o.get("province"), o.get("city"), o.get("county"), year)
    else:
        base = region
    for k in REGION_FIELDS:
        if k in o:
            setattr(base, k, o[k])
    return base


def _region_sources(doc: Document, agency: str | None, title: str | None, text: str) -> list[tuple[str, bool]]:
    p = _patterns()["region"]
    header = " ".join(_header(doc, p["header_keys"]))
    return [(agency or "", True), (title or "", True), (text[: p["body_chars"]], False), (header, False)]


def extract_meta(doc: Document, template: str | None = None, overrides: dict | None = None) -> Meta:
    """Metadata of one report.  `overrides` is the mapping load_overrides returns; the
    entry for this document (by path, file name or a header value such as its URL)
    fills or replaces what the text gives."""
    o = _override_for(doc, overrides)
    text = doc.text()
    title = find_title(doc)
    published = o.get("published") or find_published(doc, text)
    year, warnings = find_year(title, text, published)
    meta = Meta(
        title=o.get("title") or (title.text if title else None),
        agency=o.get("agency") or (title.agency if title else None) or None,
        year=o.get("year", year),
        published=published,
        template=template,
        warnings=warnings,
    )
    if meta.agency is None and (signed := signature_agency(text)):
        meta.agency = signed  # a title with the year only ("2022年政府信息公开工作年度报告")
        meta.warnings.append(f"agency: no title names the body; taken from the signature ({signed})")
    sources = _region_sources(doc, meta.agency, meta.title, text)
    if _national(meta.agency):  # placed by its name: its address or its work's places are not its region
        sources = sources[:2]
    region, notes = resolve(sources, meta.year)
    meta.region = _region_override(region, o, meta.year)
    kind, level = classify(meta.agency, meta.region)
    meta.kind = o.get("kind", kind)
    meta.region.level = o.get("level", level)
    # resolve's notes say why no place was found (a national body has none to find), or
    # how a found one was taken (a rename since the division list); an override replaces both
    if meta.region is region and (region.adcode or meta.region.level != "national"):
        meta.warnings.extend(notes)
    meta.agency_full = full_agency(meta.agency, meta.region)
    return meta
