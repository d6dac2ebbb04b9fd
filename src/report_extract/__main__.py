"""`python -m report_extract`: the command line (cli.py)."""

from report_extract.cli import main

main(prog_name="report-extract")
