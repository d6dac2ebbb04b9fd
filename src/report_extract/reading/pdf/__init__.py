"""PDF reading: the fast engine on pypdfium2 (fast), the pdfplumber engine (plumb), the
shared table-grid finding (grid, borderless), line assembly (layout) and character
handling (text); `reader.read` picks the engine.
"""
