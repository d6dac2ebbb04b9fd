"""Chinese word segmentation with jieba, loaded once per process and only when needed.

jieba's words are exactly jieba's, but its dictionary is not loaded whole.  jieba keeps
one dict of every word and word prefix (half a million entries) and unmarshals all of it
at start-up: half a second to a second and a half of every process that segments, for
a report that uses a few hundred distinct characters.  Every look-up jieba makes while
cutting a text is a substring of that text, so it needs only the entries that start with
the text's characters.  The dictionary is therefore kept as one shard per first
character (built once per user from jieba's own dict.txt, with jieba's own code, into
the user's cache folder), and a text's missing shards are merged into jieba's dict
before jieba cuts it.  A process that segments one report reads about a third of the
entries; the segmentation is the same.

`import jieba` also imports pkg_resources (a quarter of a second) only to locate its
data files, which it can as well open from its folder: the import is made without it.
"""

from __future__ import annotations

import logging
import marshal
import mmap
import os
import sys
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from math import log
from pathlib import Path
from typing import Any

FORMAT = b"report_extract jieba shards 1\n"


def _import_jieba() -> Any:
    """jieba, imported without pkg_resources (jieba then opens its files by path)."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba
    else:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # import fails fast
        try:
            import jieba
        finally:
            del sys.modules["pkg_resources"]
    jieba.setLogLevel(logging.WARNING)
    return jieba


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "report_extract"


@lru_cache(maxsize=1)
def tokenizer() -> Any:
    jieba = _import_jieba()

    # jieba is imported here, at run time (_import_jieba): mypy cannot see the base class.
    class Sharded(jieba.Tokenizer):  # type: ignore[name-defined]
        """jieba's default tokenizer whose FREQ grows by first character on demand."""

        def initialize(self, dictionary: Any = None) -> None:
            if getattr(self, "initialized", False):  # set by jieba.Tokenizer.__init__
                return
            dict_txt = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME  # the default dictionary
            self._shards = Shards.open(dict_txt, jieba.__version__)
            self.FREQ: dict[str, int] = {}
            self.total = self._shards.total
            self._loaded: set[str] = set()
            self._logp: dict[str, float] = {}
            self.initialized = True

        def cut(
            self, sentence: str, cut_all: bool = False, HMM: bool = True, use_paddle: bool = False
        ) -> Iterator[str]:
            if cut_all or not HMM or use_paddle:
                self._load(sentence)
                return super().cut(sentence, cut_all=cut_all, HMM=HMM, use_paddle=use_paddle)
            return iter(self._cut_loaded(sentence))

        def _load(self, sentence: str) -> None:
            """The shards of the sentence's characters: every look-up of a cut is a substring."""
            self.check_initialized()
            for ch in set(sentence) - self._loaded:
                self.FREQ.update(self._shards.entries(ch))
                self._loaded.add(ch)

        def _cut_loaded(self, sentence: str) -> list[str]:
            self._load(sentence)
            return self._cut(sentence)

        def cut_for_search(self, sentence: str, HMM: bool = True) -> Iterator[str]:
            """jieba's search mode: each word, preceded by the dictionary's 2- and
            3-character words inside it."""
            if not HMM:
                return super().cut_for_search(sentence, HMM=HMM)
            return iter(self.search_mode(self._cut_loaded(sentence)))

        def search_mode(self, words: list[str]) -> list[str]:
            """`words`, a default-mode cut of a loaded sentence, as search mode has them:
            a caller that needs both cuts (the full-text index) segments once."""
            get = self.FREQ.get
            out: list[str] = []
            for w in words:
                n = len(w)
                if n > 2:
                    out.extend(g for g in (w[i : i + 2] for i in range(n - 1)) if get(g))
                    if n > 3:
                        out.extend(g for g in (w[i : i + 3] for i in range(n - 2)) if get(g))
                out.append(w)
            return out

        def _cut(self, sentence: str) -> list[str]:
            """jieba's default mode (`Tokenizer.cut`, HMM on), its steps inlined."""
            out: list[str] = []
            han, skip = jieba.re_han_default, jieba.re_skip_default
            for blk in han.split(sentence):
                if not blk:
                    continue
                if han.match(blk):
                    self._cut_block(blk, out)
                else:
                    for x in skip.split(blk):
                        if skip.match(x):
                            out.append(x)
                        else:
                            out.extend(x)
            return out

        def _cut_block(self, s: str, out: list[str]) -> None:
            """jieba's `__cut_DAG` with `get_DAG` and `calc` fused into one backward pass:
            the same candidates in the same order, the same float expressions, the same
            tie-break (the later end wins), so the same route, without building the DAG."""
            get, n = self.FREQ.get, len(s)
            logtotal = log(self.total)
            # log(f) - logtotal of each word met, remembered: the same float jieba computes,
            # once per word rather than once per candidate (most of a cut's time otherwise)
            logp = self._logp
            score, end = [0.0] * (n + 1), list(range(n + 1))
            for k in range(n - 1, -1, -1):
                best, at, i, frag = None, k, k, s[k]
                while i < n:
                    f = get(frag)
                    if f is None:
                        break
                    if f:
                        p = logp.get(frag)
                        if p is None:
                            p = logp[frag] = log(f) - logtotal
                        v = p + score[i + 1]
                        if best is None or v >= best:
                            best, at = v, i
                    i += 1
                    frag = s[k : i + 1]
                if best is None:  # no word starts here: the character alone
                    best, at = log(get(s[k]) or 1) - logtotal + score[k + 1], k
                score[k], end[k] = best, at
            x, start = 0, 0  # s[start:x]: a run of single characters
            while x < n:
                y = end[x] + 1
                if y - x > 1:
                    if start < x:
                        self._unknown(s[start:x], out)
                    out.append(s[x:y])
                    start = y
                x = y
            if start < n:
                self._unknown(s[start:n], out)

        def _unknown(self, buf: str, out: list[str]) -> None:
            """A run of single characters: jieba's HMM cuts it unless it is a word."""
            if len(buf) == 1 or self.FREQ.get(buf):
                out.extend(buf)
            else:
                out.extend(jieba.finalseg.cut(buf))

    return Sharded()


class Shards:
    """The prefix dictionary of jieba's dict.txt, one marshalled dict per first character:
    FORMAT, the key line (jieba version, size and mtime of dict.txt), an 8-byte header
    length, the header (total frequency, {char: (offset, length)}), the shards."""

    def __init__(self, data: bytes | mmap.mmap, total: int, index: dict[str, tuple[int, int]], base: int) -> None:
        self._data, self.total, self._index, self._base = memoryview(data), total, index, base

    def entries(self, ch: str) -> dict[str, int]:
        where = self._index.get(ch)
        if where is None:
            return {}
        start = self._base + where[0]
        return marshal.loads(self._data[start : start + where[1]])

    @classmethod
    def open(cls, dict_txt: Path, version: str) -> Shards:
        st = dict_txt.stat()
        key = f"{version} {st.st_size} {st.st_mtime_ns}\n".encode()
        path = cache_folder() / "jieba.shards"
        try:
            return cls.parse(_mapped(path), key)
        except (OSError, ValueError, EOFError, TypeError):
            pass  # absent, stale or damaged: built again
        data = cls.build(dict_txt, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".jieba.", suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only home: this process keeps its shards in memory
        return cls.parse(data, key)

    @classmethod
    def parse(cls, data: bytes | mmap.mmap, key: bytes) -> Shards:
        head = FORMAT + key
        if data[: len(head)] != head:
            raise ValueError("not this dictionary's shards")
        size = int.from_bytes(data[len(head) : len(head) + 8], "little")
        total, index = marshal.loads(data[len(head) + 8 : len(head) + 8 + size])
        base = len(head) + 8 + size
        if (
            not isinstance(total, int)
            or not isinstance(index, dict)
            or len(data) != base + max((o + n for o, n in index.values()), default=0)
        ):
            raise ValueError("damaged shards")  # a cut or overwritten file
        return cls(data, total, index, base)

    @staticmethod
    def build(dict_txt: Path, key: bytes) -> bytes:
        """jieba's prefix dictionary (its own gen_pfdict), cut into shards."""
        jieba = _import_jieba()
        with open(dict_txt, "rb") as f:
            freq, total = jieba.Tokenizer().gen_pfdict(f)
        shards: dict[str, dict[str, int]] = {}
        for word, n in freq.items():
            shards.setdefault(word[0], {})[word] = n
        blobs, index, offset = [], {}, 0
        for ch, entries in shards.items():
            blob = marshal.dumps(entries)
            index[ch] = (offset, len(blob))
            blobs.append(blob)
            offset += len(blob)
        header = marshal.dumps((total, index))
        return FORMAT + key + len(header).to_bytes(8, "little") + header + b"".join(blobs)


def _mapped(path: Path) -> mmap.mmap:
    """The shards file mapped, not read: a process touches only the pages of the shards
    it loads (reading all 9 MB cost each worker 15 ms).  The file is only ever replaced
    (os.replace), never written in place, so the mapping cannot change under us."""
    with open(path, "rb") as f:
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


def words(text: str) -> list[str]:
    return [w for w in tokenizer().lcut(text) if w.strip()]
