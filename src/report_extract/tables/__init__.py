"""The statistical tables: finding each table's region (stream), rows and their labels
(rows, align), fitting values to columns (fit), splitting run-together numbers (split),
the pre-2019 statistics table (legacy), and putting it together (extract).
"""
