"""The one error every reader raises for a file it cannot read."""


class ReaderError(Exception):
    """A file that cannot be read.  `cause`: one line naming why (what errors.csv and the
    one-file commands print after the file's name); `path`: the file, set by `read`, so
    str() names it for a caller of the API: "a.pdf: cannot open file: No such file…"."""

    def __init__(self, cause: str, path: str | None = None) -> None:
        super().__init__(cause)
        self.cause, self.path = cause, path

    def __str__(self) -> str:
        return f"{self.path}: {self.cause}" if self.path else self.cause
