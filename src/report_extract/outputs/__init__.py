"""What a conversion writes: the journal (the primary record, one line per document), the
rows of each file (records), the folder written from the journal (folder), SQLite with
full-text search (sqlite, fts), Parquet, Excel (xlsx), pandas frames (frames), the
tables as printed (printed) and the multi-year panel (panel).
"""
