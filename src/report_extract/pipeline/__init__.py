"""One document through every stage (stages): read, sections, tables, the OCR settling
stage (settle), checks, metadata; and the one place that decides a second PDF
reading (fallback).
"""
