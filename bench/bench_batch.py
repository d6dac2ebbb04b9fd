"""Batch conversion speed and memory: reports/s on 1 and 2 local workers and on a Dask
LocalCluster for a mixed corpus, and how time and memory grow with the batch size.

Each run is `report-extract convert` in a fresh subprocess and fresh OUTDIR.  Its process
tree (the parent, the forkserver, the workers; Dask's nannies and workers) is sampled
with psutil every 0.1 s: CPU seconds of every process (summed over processes, including
restarted workers), the parent's peak resident set and the largest worker's.  CPU per
report is the figure to compare on a busy machine, where wall time depends on what else
runs.  The corpus is synthetic (copies of corpus/ with varied numbers, tests/batch_corpus.py).

    .venv/bin/python bench/bench_batch.py                  # mixed 200 + growth 100, 1,000
    .venv/bin/python bench/bench_batch.py --sizes 100 1000 10000 --mixed 2000
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from batch_corpus import make_crawl  # noqa: E402


@dataclass
class Run:
    label: str
    docs: int
    wall: float
    cpu: float  # seconds, all processes
    parent_cpu: float  # seconds, the convert process alone (with --jobs > 1 a child writes reports.db)
    parent_mb: float  # peak RSS of the convert process
    worker_mb: float  # peak RSS of the largest other process

    def line(self) -> str:
        return (
            f"{self.label:<28} {self.docs:>6} docs {self.wall:7.1f} s {self.docs / self.wall:6.1f} reports/s "
            f"{self.cpu / self.docs * 1000:6.1f} ms CPU/report (parent {self.parent_cpu / self.docs * 1000:4.1f})"
            f"  peak MB: parent {self.parent_mb:4.0f}, worker {self.worker_mb:4.0f}"
        )


def watch(proc: subprocess.Popen) -> tuple[float, float, float, float]:
    """Until `proc` ends: (CPU seconds of its tree, of the parent, parent peak MB, largest
    child peak MB)."""
    import psutil

    root = psutil.Process(proc.pid)
    cpu: dict[int, float] = {}
    rss: dict[int, float] = {}
    while proc.poll() is None:
        try:
            tree = [root] + root.children(recursive=True)
        except psutil.NoSuchProcess:
            break
        for p in tree:
            try:
                t, m = p.cpu_times(), p.memory_info().rss / 2**20
            except psutil.Error:
                continue
            cpu[p.pid] = t.user + t.system
            rss[p.pid] = max(rss.get(p.pid, 0.0), m)
        time.sleep(0.1)
    children = [m for pid, m in rss.items() if pid != proc.pid]
    return sum(cpu.values()), cpu.get(proc.pid, 0.0), rss.get(proc.pid, 0.0), max(children, default=0.0)


def convert(label: str, crawl: Path, docs: int, *args: str) -> Run:
    out = Path(tempfile.mkdtemp(prefix="bench-out-"))
    cmd = [sys.executable, "-m", "report_extract", "convert", str(crawl), "-o", str(out), "-q", *args]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd)
    cpu, parent_cpu, parent_mb, worker_mb = watch(proc)
    wall = time.perf_counter() - start
    shutil.rmtree(out)
    if proc.returncode:
        raise SystemExit(f"{label}: convert failed ({proc.returncode})")
    return Run(label, docs, wall, cpu, parent_cpu, parent_mb, worker_mb)


def _burn(n: int) -> None:
    x = 0
    for i in range(n):
        x += i * i


def parallelism() -> float:
    """How many cores this machine gives two CPU-bound processes right now (2.0 on an idle
    two-core machine): the ceiling for any 2-worker speed-up measured beside it."""
    import multiprocessing as mp

    start = time.perf_counter()
    _burn(10_000_000)
    one = time.perf_counter() - start
    with mp.get_context("fork").Pool(2) as pool:
        start = time.perf_counter()
        pool.map(_burn, [10_000_000] * 2)
        two = time.perf_counter() - start
    return 2 * one / two


def mixed_corpus(root: Path, n: int) -> tuple[Path, int]:
    """80% text/Markdown, 12% HTML, 8% PDF, plus 4 broken files."""
    html, pdfs = n * 12 // 100, n * 8 // 100
    make_crawl(root, n - html - pdfs, pdfs=pdfs, html=html)
    return root, n + 4


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mixed", type=int, default=200, help="documents in the mixed corpus (0: skip)")
    ap.add_argument("--sizes", type=int, nargs="*", default=[100, 1000], help="text corpus sizes for growth")
    ap.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster run")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    print(
        f"{os.cpu_count()} cores; load average at start {os.getloadavg()[0]:.1f}; cores available to two "
        f"CPU-bound processes: {parallelism():.2f}",
        flush=True,
    )
    try:
        if a.mixed:
            crawl, docs = mixed_corpus(tmp / "mixed", a.mixed)
            runs = [convert("mixed, --jobs 1", crawl, docs, "--jobs", "1"),
                    convert("mixed, --jobs 2", crawl, docs, "--jobs", "2")]  # fmt: skip
            if not a.no_dask:
                runs.append(convert("mixed, dask LocalCluster ×2", crawl, docs, "--executor", "dask", "--jobs", "2"))
            for r in runs:
                print(r.line(), flush=True)
            print(
                f"speed-up 2 vs 1 workers: {runs[0].wall / runs[1].wall:.2f}× (cores available to two "
                f"CPU-bound processes now: {parallelism():.2f})",
                flush=True,
            )
        for n in a.sizes:
            crawl = make_crawl(tmp / f"text{n}", n, broken=False)
            print(convert(f"text, --jobs 2, n={n}", crawl, n, "--jobs", "2").line(), flush=True)
            shutil.rmtree(crawl)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"load average at end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
