"""The `report-extract` console script: `convert` gets its worker processes' server started
before the command line is imported.

A convert run's first document waits for the forkserver to import the pipeline (a tenth of
a second); the command line's own imports (click, the writers) take about as long.  Started
first, the server imports beside them.  Only the arguments' first word is looked at here;
click parses them all afterwards, and a `--help` or a mistyped option costs a server that
exits with the command.
"""

from __future__ import annotations

import sys


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["convert"] and not _dask(args):
        from report_extract.batch.server import start_forkserver

        start_forkserver()
    from report_extract.cli import main as command_line

    command_line(prog_name="report-extract")


def _dask(args: list[str]) -> bool:
    """`--executor dask`: workers of a cluster, no forkserver."""
    return "--executor=dask" in args or any(a == "--executor" and b == "dask" for a, b in zip(args, args[1:]))
