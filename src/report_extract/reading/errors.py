"""The one error every reader raises for a file it cannot read."""


class ReaderError(Exception):
    """A file that cannot be read; the message is one line naming the cause."""
