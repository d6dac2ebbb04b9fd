"""OCR of scanned pages and pasted pictures: the RapidOCR engine (engine), rules found in
the image (grid), pages of a PDF (pages), pictures inside HTML/DOCX (image), and the
scanned-looking test documents made from text PDFs (sample).
"""
