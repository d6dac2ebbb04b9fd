"""The report's sections, found from its headings (headings), and the jieba word
segmentation that headings, full-text search and queries share (words).
"""
