"""`python -m report_extract`: the command line (cli.py), started as the console script is (launch.py)."""

from report_extract.launch import main

main()
