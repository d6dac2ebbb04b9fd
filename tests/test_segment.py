"""sections/words.py: jieba with its dictionary loaded by first character cuts exactly as jieba.

Texts are generated from jieba's own dictionary words (long and short, words inside
longer words), unknown runs that jieba's HMM has to cut, digits, Latin letters and
punctuation, so that every kind of look-up (DAG prefixes, route frequencies, the
search mode's inner bigrams and trigrams, HMM fall-backs) is compared.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from report_extract.outputs.fts import index_words
from report_extract.sections import words as segment


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(folder))
        segment.tokenizer.cache_clear()
        segment.tokenizer().lcut("政府")  # builds the shards into the folder
    segment.tokenizer.cache_clear()
    return folder / "report_extract" / "jieba.shards"


@pytest.fixture(scope="module")
def reference():
    jieba = segment._import_jieba()
    tk = jieba.Tokenizer()
    tk.initialize()
    return tk


def _texts(seed: int, n: int = 30) -> list[str]:
    rnd = random.Random(seed)
    jieba = segment._import_jieba()
    with open(Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME, encoding="utf-8") as f:
        vocab = [line.split(" ")[0] for _, line in zip(range(200000), f)]
    pieces = ["，", "。", "、", "（", "）", " ", "\n", "2024年", "12.5%", "PDF", "依申请公开", "政府信息公开",
              "人民政府办公室", "峂崀嵚", "犇骉"]  # fmt: skip
    return ["".join(rnd.choice(vocab) if rnd.random() < 0.7 else rnd.choice(pieces) for _ in range(rnd.randint(1, 80)))
            for _ in range(n)]  # fmt: skip


@pytest.mark.parametrize("seed", range(6))
def test_same_words_as_jieba(cache, reference, monkeypatch, seed):
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache.parent.parent))
    segment.tokenizer.cache_clear()
    ours = segment.tokenizer()
    for text in _texts(seed):
        assert list(ours.cut_for_search(text)) == list(reference.cut_for_search(text)), text
        assert ours.lcut(text) == reference.lcut(text), text
    assert len(ours.FREQ) < len(reference.FREQ)  # only the shards the texts needed


def test_index_words_are_search_mode_words_then_joined_runs(cache, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache.parent.parent))
    segment.tokenizer.cache_clear()
    # jieba's search-mode words, then runs of up to fts_compound_words (3) words joined
    assert index_words("人民政府信息公开，2024年。") == (
        "人民 民政 政府 人民政府 信息 公开 2024 年 人民政府信息 信息公开 人民政府信息公开"
    )


@pytest.mark.parametrize("damage", ["stale", "truncated", "garbage"])
def test_a_stale_or_damaged_cache_is_built_again(cache, reference, tmp_path, monkeypatch, damage):
    folder = tmp_path / "report_extract"
    folder.mkdir()
    data = cache.read_bytes()
    bad = {"stale": data.replace(b"shards 1\n", b"shards 1\n0", 1), "truncated": data[:len(data) // 3],
           "garbage": segment.FORMAT + b"\x00" * 64}[damage]  # fmt: skip
    (folder / "jieba.shards").write_bytes(bad)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    segment.tokenizer.cache_clear()
    assert segment.tokenizer().lcut("依申请公开政府信息") == reference.lcut("依申请公开政府信息")
    rebuilt = (folder / "jieba.shards").read_bytes()
    head = data[: data.index(b"\n", len(segment.FORMAT)) + 1]  # format and key lines
    assert rebuilt != bad and rebuilt.startswith(head)  # (marshal's bytes vary with reference counts)


def test_an_unwritable_cache_folder_still_segments(reference, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    segment.tokenizer.cache_clear()
    assert segment.tokenizer().lcut("本年度政府信息公开工作") == reference.lcut("本年度政府信息公开工作")
    segment.tokenizer.cache_clear()
