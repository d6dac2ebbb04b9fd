"""What every stage passes on: the document as read (document: blocks of text and table
grids with their page and line) and the extraction's result (result: canonical cells,
checks, sections and metadata of one report).
"""
