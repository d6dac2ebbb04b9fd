"""Arithmetic checks (勾稽关系): within one report (report) and across a body's years
(crossyear).  Pure functions of canonical cells: the tables use them to settle
ambiguous readings, the pipeline to check a report.
"""
