"""Shared test helpers: the shipped corpus and its labels (copies of ../shared/corpus)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
LABELS = Path(__file__).resolve().parent / "labels"
SPEC_CELLS = ROOT / "spec" / "cells.csv"  # the contract's cells, shipped in the package


def truth(stem: str) -> dict:
    return json.loads((LABELS / f"{stem}.truth.json").read_text(encoding="utf-8"))


def labelled_files() -> list[Path]:
    stems = {p.name[: -len(".truth.json")] for p in LABELS.glob("*.truth.json")}
    return sorted(p for p in CORPUS.iterdir() if p.stem in stems)


def rows(path: Path) -> list[dict[str, str]]:
    """A CSV output file's rows, read exactly (newline="": text may hold line breaks)."""
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))
