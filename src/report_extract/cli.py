"""The command line: `report-extract COMMAND --help` shows each command with an example."""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from report_extract.batch.isolate import run_limited
from report_extract.reading.errors import ReaderError
from report_extract.settings import Settings, use
from report_extract.version import __version__

ENGINES = click.Choice(["auto", "fast", "pdfplumber"])
OCR_MODES = click.Choice(["auto", "always", "never"])
OCR_HELP = (
    "OCR of scanned pages (needs the ocr extra): auto OCRs only pages and images without "
    "a text layer, always OCRs every PDF page, never reports image-only PDFs as errors."
)


def settings_option(command):
    """--set NAME=VALUE: any of the settings (settings.py; `report-extract settings` lists
    them), for every command that reads documents."""
    return click.option(
        "--set",
        "set_pairs",
        multiple=True,
        metavar="NAME=VALUE",
        help="Change a setting (repeatable), e.g. --set max_pages=500; `report-extract settings` lists them.",
    )(command)


def limits(command):
    """--timeout and --memory-limit for the one-file commands: the same limits as a convert
    worker's (batch/isolate.py), so a hostile file stops with the same one-line error."""
    command = click.option(
        "--memory-limit",
        "memory_mb",
        type=click.IntRange(min=0),
        default=None,
        show_default=f"memory_mb setting: {Settings().memory_mb}",
        help="MB of address space for reading the file (0: no limit).",
    )(command)
    command = click.option(
        "--timeout",
        type=click.FloatRange(min=0),
        default=None,
        show_default=f"timeout_s setting: {Settings().timeout_s:g}",
        help="Seconds reading the file may take (0: no limit).",
    )(command)
    return settings_option(command)


def resolve_settings(set_pairs: tuple[str, ...], timeout: float | None, memory_mb: int | None) -> Settings:
    """The environment's settings, then --set, then the --timeout/--memory-limit shorthands."""
    pairs = {}
    for pair in set_pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="--set")
        pairs[name.strip()] = value.strip()
    try:
        settings = Settings.from_env()
    except ValueError as e:
        raise click.ClickException(str(e)) from None
    try:
        settings = settings.replace_text(pairs)
        if timeout is not None:
            settings = settings.replace(timeout_s=timeout)
        if memory_mb is not None:
            settings = settings.replace(memory_mb=memory_mb)
    except (TypeError, ValueError) as e:
        raise click.BadParameter(str(e), param_hint="--set") from None
    return settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="report-extract")
def main() -> None:
    """Turn 政府信息公开工作年度报告 (PDF, HTML, DOCX, text, Markdown) into checked,
    canonical data: the three statistical tables, their arithmetic checks, sections and
    metadata.

    \b
    Example:
        report-extract convert corpus/ -o output/
    """


@main.command()
@click.argument("inputs", nargs=-1)
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder for the output files.",
)
@click.option(
    "--from-list",
    "list_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="A text file naming one input per line (repeatable).",
)
@click.option(
    "--engine",
    type=ENGINES,
    default="auto",
    show_default=True,
    help="PDF engine: fast (character positions), pdfplumber (reference), auto (fast, "
    "pdfplumber when the fast result fails its checks).",
)
@click.option(
    "--meta",
    "meta_csv",
    type=click.Path(exists=True, dir_okay=False),
    help="CSV of known metadata (source_path or url → agency, year, province…) that "
    "fills or overrides what the text gives.",
)
@click.option("--bom", is_flag=True, help="Write CSVs with a UTF-8 BOM so Excel shows Chinese text.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    show_default="all cores",
    help="Worker processes (local) or LocalCluster workers (dask without --scheduler).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=None,
    show_default=f"timeout_s setting: {Settings().timeout_s:g}",
    help="Seconds one document may take; past it the document is an error row (timeout). 0: no limit.",
)
@click.option(
    "--memory-limit",
    "memory_mb",
    type=click.IntRange(min=0),
    default=None,
    show_default=f"memory_mb setting: {Settings().memory_mb}",
    help="MB of address space per worker process; a document needing more is an error row (memory). 0: no limit.",
)
@settings_option
@click.option(
    "--sqlite/--no-sqlite",
    default=True,
    show_default=True,
    help="Also write reports.db (SQLite with Chinese full-text search on sections).",
)
@click.option(
    "--parquet",
    is_flag=True,
    help="Also write a Parquet file per table: reports, cells, checks, sections, errors, facts.",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where documents are converted: local worker processes, or a Dask cluster.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Dask scheduler address (tcp://host:8786) for --executor dask; without it a "
    "LocalCluster of --jobs workers is started.",
)
@click.option(
    "--checkpoint",
    "checkpoint_minutes",
    type=click.FloatRange(min=0),
    default=10,
    show_default=True,
    help="Rewrite the output files every this many minutes during a run (0: only at the end).",
)
@click.option("--fresh", is_flag=True, help="Ignore the journal of earlier runs and convert everything again.")
@click.option(
    "--xlsx",
    "xlsx_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write this Excel workbook: a sheet per table, one row per report.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")
@click.option("--ocr", type=OCR_MODES, default="auto", show_default=True, help=OCR_HELP)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit with status 1 when any document failed (an errors.csv row other than skipped or duplicate).",
)
def convert(
    inputs, outdir, list_files, quiet, xlsx_path, ocr, strict, set_pairs, timeout, memory_mb, **options
) -> None:
    """Convert reports into the contract's files in OUTDIR: reports.csv, cells.csv,
    checks.csv, sections.csv, facts.csv, errors.csv and reports.jsonl, plus reports.db
    (SQLite) and, with --parquet, Parquet files.

    INPUTS are files, folders (searched recursively) or globs; formats are told by content.
    Documents run in parallel, each with a time and memory limit.  OUTDIR/journal.jsonl
    records every finished document: re-running the same command (after a crash, Ctrl-C
    or kill) converts only what is missing.  OUTDIR is one growing dataset: a run with
    other inputs adds them, and every output holds all documents converted into it
    (--fresh starts over).

    \b
    Examples:
        report-extract convert corpus/ -o output/
        report-extract convert 'crawl/**/*.pdf' --from-list more.txt -o out/ --bom --jobs 8
        report-extract convert crawl/ -o out/ --parquet --executor dask --scheduler tcp://10.0.0.5:8786
    """
    # Imported here: the batch machinery (multiprocessing, the writers) is start-up time a
    # one-file `extract` should not pay.
    if options["executor"] == "local":
        from report_extract.batch.server import start_forkserver

        start_forkserver()  # started by launch.py already, unless convert was called another way
    from report_extract.batch.convert import Options as ConvertOptions
    from report_extract.batch.convert import convert_paths
    from report_extract.batch.inputs import expand
    from report_extract.batch.progress import wanted as progress_wanted
    from report_extract.batch.workers import WorkersDying
    from report_extract.outputs.folder import OutputError
    from report_extract.outputs.journal import JournalBusy

    if not inputs and not list_files:
        raise click.UsageError("give INPUTS (files, folders, globs) or --from-list FILE")
    # first: a bad REPORT_EXTRACT_* variable or --set is one line, before anything reads a setting
    settings = resolve_settings(set_pairs, timeout, memory_mb)
    _preflight_convert(outdir, xlsx_path, options)
    with use(settings):
        found = expand(inputs, list_files, exclude=outdir)
    if not found:
        raise click.UsageError("no input files found")
    options = {k: v for k, v in options.items() if v is not None}  # unset: the Options default (jobs)
    # --ocr travels with each document's settings: an environment variable would not reach
    # an already running forkserver or a Dask worker on another machine
    # --timeout and --memory-limit are in the settings: the pool takes its limits from them
    opts = ConvertOptions(progress=progress_wanted(quiet), ocr=ocr, settings=settings, **options)
    # SIGTERM (kill, a batch system's walltime, docker stop) ends the run as Ctrl-C does: the
    # finished documents' outputs are written before the process exits
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        summary = convert_paths(found.paths, outdir, opts, refused=found.refused)
    except (JournalBusy, WorkersDying) as e:
        raise click.ClickException(str(e)) from e
    except OutputError as e:
        raise click.ClickException(
            f"cannot write the outputs in {outdir} ({e}); the journal keeps every "
            "finished document: fix the cause and run the same command again"
        ) from e
    except KeyboardInterrupt:
        # --fresh again would convert the finished documents again too (newcomer's trial)
        again = "the same command again without --fresh" if opts.fresh else "the same command again"
        click.echo(f"interrupted: finished documents are in {outdir}; run {again} to convert the rest", err=True)
        sys.exit(130)
    if xlsx_path:
        from report_extract.outputs.xlsx import write_batch

        write_batch(outdir, xlsx_path)
    if not quiet:
        click.echo(summary.line(), err=True)
    if strict and summary.failed:
        click.echo(f"{summary.failed} documents failed: see {outdir / 'errors.csv'}", err=True)
        sys.exit(1)


@main.command()
@click.argument("outdir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("sql", required=False)
@click.option(
    "--search",
    "words",
    metavar="WORDS",
    help="Full-text search in the sections (Chinese words are segmented as the index is) instead of SQL.",
)
@click.option("--limit", type=int, default=20, show_default=True, help="Rows --search returns.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of an aligned table.")
def query(outdir, sql, words, limit, as_csv) -> None:
    """Ask OUTDIR/reports.db (written by convert) a question in SQL, or search its sections.

    Tables: reports, cells, checks, sections, errors (and facts); quote the column names
    "table", "row", "check" and "key".  More questions with their SQL: docs/queries.md.

    \b
    Examples:
        report-extract query output/ "SELECT province, count(*) FROM reports GROUP BY 1"
        report-extract query output/ --search "依申请公开" --csv > hits.csv
    """
    from report_extract.views.query import QueryError, print_table, run, search, write_csv

    if bool(sql) == bool(words):
        raise click.UsageError("give either SQL or --search WORDS")
    try:
        answer = search(outdir, words, limit) if words else run(outdir, sql)
    except QueryError as e:
        raise click.ClickException(str(e)) from e
    if as_csv:
        write_csv(answer, sys.stdout)
    else:
        print_table(answer, terminal=sys.stdout.isatty())


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--engine", type=ENGINES, default="auto", show_default=True, help="PDF engine.")
@click.option("--ocr", type=OCR_MODES, default="auto", show_default=True, help=OCR_HELP)
@click.option("--indent", type=int, default=2, show_default=True, help="JSON indentation (0: one line).")
@limits
def extract(file, engine, ocr, indent, timeout, memory_mb, set_pairs) -> None:
    """Extract one report and print its JSON object (the spec's shape) on stdout.

    \b
    Example:
        report-extract extract corpus/000_a01111d04fa25f8f.txt
    """
    settings = resolve_settings(set_pairs, timeout, memory_mb)
    click.echo(_extract_or_exit(file, engine, settings, extract_json, ocr=ocr, indent=indent or None))


@main.command("show")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--table",
    "only",
    type=click.Choice(["proactive", "requests", "review_litigation"]),
    help="Show only this table and its checks.",
)
@click.option(
    "--xlsx",
    "xlsx_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the report to this Excel workbook, laid out like the official template.",
)
@click.option("--engine", type=ENGINES, default="auto", show_default=True, help="PDF engine.")
@limits
def show_command(file, only, xlsx_path, engine, timeout, memory_mb, set_pairs) -> None:
    """Show one report at a glance: metadata, the three tables with their printed labels,
    every check (failed ones in red, with both sides of the equation) and the warnings.
    Plain text when the output is not a terminal.

    \b
    Examples:
        report-extract show corpus/kiro_01.pdf
        report-extract show corpus/kiro_01.pdf --table requests | less
        report-extract show corpus/kiro_01.pdf --xlsx kiro_01.xlsx
    """
    from report_extract.views.show import show  # rich loads only for this command

    if xlsx_path:
        _writable_file(xlsx_path, "the workbook")
    settings = resolve_settings(set_pairs, timeout, memory_mb)
    result = _extract_or_exit(file, engine, settings, extract_one)
    with use(settings):
        show(result, only)
    if xlsx_path:
        from report_extract.outputs.xlsx import write_report

        write_report(result, xlsx_path)


@main.command("audit")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The HTML file to write (self-contained: open it in any browser, offline).",
)
@click.option("--engine", type=ENGINES, default="auto", show_default=True, help="PDF engine.")
@limits
def audit_command(file, out, engine, timeout, memory_mb, set_pairs) -> None:
    """Write a page to check one extraction by eye: each PDF page that holds a table as an
    image with every extracted cell boxed and labelled (cells of failed checks in red),
    or, for HTML, DOCX and text, the source tables beside the canonical ones.

    \b
    Example:
        report-extract audit corpus/kiro_01.pdf -o kiro_01.html
    """
    from report_extract.batch.progress import ocr_pages, wanted
    from report_extract.views.audit import write_audit

    _writable_file(out, "the audit page")
    ocr_pages(wanted(quiet=False))
    try:
        with use(resolve_settings(set_pairs, timeout, memory_mb)):
            run_limited(write_audit, file, out, engine=engine)
    except ReaderError as e:
        click.echo(f"{file}: {e}", err=True)
        sys.exit(1)
    click.echo(f"wrote {out}", err=True)


def _writable_folder(folder: Path, what: str) -> None:
    """Fail before any work when `folder` cannot be created or written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise click.ClickException(f"cannot create {what} {folder}: {e.strerror}") from e
    if not os.access(folder, os.W_OK):
        raise click.ClickException(f"cannot write in {what} {folder}: permission denied")


def _writable_file(path: Path, what: str) -> None:
    """Fail before any work when the folder of `path` does not exist or is not writable."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise click.ClickException(f"cannot write {what} {path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise click.ClickException(f"cannot write {what} {path}: permission denied in {folder}")


def _need_extra(module: str, extra: str, option: str) -> None:
    """Import `module` now, before any work: missing, or installed but failing to load (a
    broken wheel, a missing shared library), is one line naming the extra to install."""
    try:
        importlib.import_module(module)
    except ImportError as e:
        why = "not installed" if isinstance(e, ModuleNotFoundError) and e.name == module else f"cannot load: {e}"
        raise click.ClickException(
            f"{option} needs the {extra} extra ({module} {why}): pip install 'report-extract[{extra}]'"
        ) from None


def _preflight_convert(outdir: Path, xlsx_path: Path | None, options: dict) -> None:
    """Everything that can be checked before the first document converts."""
    if options.get("parquet"):
        _need_extra("pyarrow", "parquet", "--parquet")
    if options.get("executor") == "dask":
        _need_extra("distributed", "cluster", "--executor dask")
    _writable_folder(outdir, "the output folder")
    if xlsx_path:
        _writable_file(xlsx_path, "the workbook")
    if options.get("meta_csv"):
        from report_extract.metadata.meta import load_overrides

        try:
            load_overrides(options["meta_csv"])
        except ValueError as e:
            raise click.UsageError(f"--meta: {e}") from e


@main.command("settings")
@settings_option
def settings_command(set_pairs) -> None:
    """List every setting (limit, threshold, environment variable) with the value in force:
    its default, changed by a REPORT_EXTRACT_<NAME> environment variable or by --set.

    \b
    Examples:
        report-extract settings
        REPORT_EXTRACT_MAX_PAGES=500 report-extract settings | grep max_pages
        report-extract convert crawl/ -o out/ --set max_pages=500 --set ocr_dpi=200
    """
    settings = resolve_settings(set_pairs, None, None)
    default = Settings()
    for name in Settings.names():
        value, was = getattr(settings, name), getattr(default, name)
        changed = "" if value == was else f"  (default {was!r})"
        click.echo(f"{name} = {value!r}{changed}")


@main.command("panel")
@click.argument("outdir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--bom", is_flag=True, help="Write the CSVs with a UTF-8 BOM so Excel shows Chinese text.")
def panel_command(outdir, bom) -> None:
    """Rebuild the agency-year panel of OUTDIR (convert writes it too) from every report
    converted into it: panel.csv, panel.dta (Stata), panel.parquet (with pyarrow),
    panel_checks.csv (checks across consecutive years), panel_reports.csv (which version
    of an agency-year is primary) and the same tables in reports.db.

    \b
    Example:
        report-extract panel output/
    """
    from report_extract.outputs.panel import PanelError, write_panel

    try:
        panel = write_panel(outdir, bom=bom)
    except PanelError as e:
        raise click.ClickException(str(e)) from e
    click.echo(panel.summary(), err=True)


@main.command("diff")
@click.argument("a")
@click.argument("b")
@click.option(
    "--out",
    "outdir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Output folder in which A and B are report ids (or their first characters).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of the terminal view.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV: the cross-year checks, then every cell.")
@click.option("--changed", "changed_only", is_flag=True, help="List only the cells that changed.")
@click.option("--engine", type=ENGINES, default="auto", show_default=True, help="PDF engine.")
def diff_command(a, b, outdir, as_json, as_csv, changed_only, engine) -> None:
    """Compare two reports of one body (two years, or two versions of one year): every
    canonical cell side by side with its change B − A, and the cross-year checks between
    consecutive years, failed ones first.  A and B are report files, or report ids of an
    output folder (--out).

    \b
    Examples:
        report-extract diff corpus/kiro_01.pdf corpus/kiro_02.pdf
        report-extract diff 94a211353fb046b7 82ba40ade55a9310 --out output/ --changed
        report-extract diff corpus/kiro_01.pdf corpus/kiro_02.pdf --csv > hongze.csv
    """
    from report_extract.views.diff import DiffError, compare, load

    if as_json and as_csv:
        raise click.UsageError("give --json or --csv, not both")
    try:
        d = compare(load(a, outdir, engine), load(b, outdir, engine))
    except (DiffError, ReaderError) as e:
        raise click.ClickException(str(e)) from e
    if as_json:
        click.echo(json.dumps(d.to_dict(), ensure_ascii=False, indent=2))
    elif as_csv:
        d.write_csv(sys.stdout)
    else:
        from report_extract.views.diffview import show_diff

        show_diff(d, changed_only)


def extract_one(path: str, **options):
    """pipeline.extract, imported when a command reads a file (not for --help, convert, query)."""
    from report_extract.pipeline.stages import extract

    return extract(path, **options)


def extract_json(path: str, indent: int | None = None, **options) -> str:
    """The report's JSON text, made in the child: the parent, which only prints it, never
    imports the result model (a fifth of a one-file `extract`'s wait)."""
    return json.dumps(extract_one(path, **options).to_dict(), ensure_ascii=False, indent=indent)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _extract_or_exit(file: str, engine: str, settings: Settings, work: Callable[..., Any], **options):
    """`work(file)` under `settings`: their limits for the child process, their thresholds inside it."""
    from report_extract.batch.progress import ocr_pages, wanted

    ocr_pages(wanted(quiet=False))  # a scanned page takes seconds: say which one (on a terminal only)
    try:
        with use(settings):
            return run_limited(work, file, engine=engine, **options)
    except ReaderError as e:
        click.echo(f"{file}: {e}", err=True)
        sys.exit(1)
