"""Ways to look at results: the terminal view (show), the HTML audit page (audit), the
comparison of two reports (diff, diffview) and read-only SQL over reports.db (query).
"""
