"""Shared test helpers: the shipped corpus and its labels (copies of ../shared/corpus)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
LABELS = Path(__file__).resolve().parent / "labels"


def truth(stem: str) -> dict:
    return json.loads((LABELS / f"{stem}.truth.json").read_text(encoding="utf-8"))


def labelled_files() -> list[Path]:
    stems = {p.name[: -len(".truth.json")] for p in LABELS.glob("*.truth.json")}
    return sorted(p for p in CORPUS.iterdir() if p.stem in stems)


@pytest.fixture(scope="session")
def corpus() -> Path:
    return CORPUS
