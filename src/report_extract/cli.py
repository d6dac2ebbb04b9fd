"""The command line: `report-extract COMMAND --help` shows each command with an example."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .convert import convert_paths
from .inputs import expand
from .pipeline import extract as extract_one
from .readers import ReaderError

ENGINES = click.Choice(["auto", "fast", "pdfplumber"])


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
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("output"), show_default=True, help="Folder for the output files.")
@click.option("--from-list", "list_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A text file naming one input per line (repeatable).")
@click.option("--engine", type=ENGINES, default="auto", show_default=True,
              help="PDF engine: fast (character positions), pdfplumber (reference), auto (fast, "
                   "pdfplumber when the fast result fails its checks).")
@click.option("--meta", "meta_csv", type=click.Path(exists=True, dir_okay=False),
              help="CSV of known metadata (source_path or url → agency, year, province…) that "
                   "fills or overrides what the text gives.")
@click.option("--bom", is_flag=True, help="Write CSVs with a UTF-8 BOM so Excel shows Chinese text.")
@click.option("-q", "--quiet", is_flag=True, help="No summary line.")
def convert(inputs, outdir, list_files, engine, meta_csv, bom, quiet) -> None:
    """Convert reports into the contract's files in OUTDIR: reports.csv, cells.csv,
    checks.csv, sections.csv, errors.csv and reports.jsonl.

    INPUTS are files, folders (searched recursively) or globs.

    \b
    Examples:
        report-extract convert corpus/ -o output/
        report-extract convert 'crawl/**/*.pdf' --from-list more.txt -o out/ --bom
    """
    paths = expand(inputs, list_files)
    if not paths:
        raise click.UsageError("no input files found")
    summary = convert_paths(paths, outdir, engine=engine, meta_csv=meta_csv, bom=bom)
    if not quiet:
        click.echo(summary.line(), err=True)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--engine", type=ENGINES, default="auto", show_default=True, help="PDF engine.")
@click.option("--indent", type=int, default=2, show_default=True, help="JSON indentation (0: one line).")
def extract(file, engine, indent) -> None:
    """Extract one report and print its JSON object (the spec's shape) on stdout.

    \b
    Example:
        report-extract extract corpus/000_a01111d04fa25f8f.txt
    """
    try:
        result = extract_one(file, engine=engine)
    except ReaderError as e:
        click.echo(f"{file}: {e}", err=True)
        sys.exit(1)
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=indent or None))
