"""Converting many files: input listing and accounting (inputs), the worker pool with
limits per document (workers, isolate), the Dask executor (cluster), progress lines
(progress) and the convert run itself (convert).
"""
