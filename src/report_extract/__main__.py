from report_extract.cli import main

main(prog_name="report-extract")
