"""The output contract: the canonical keys and their printed labels (labels), the value rules
(values) and the codebook written into every output folder (codebook).  The contract's
files themselves are package data under `spec/`.
"""
