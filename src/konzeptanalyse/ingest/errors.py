"""The one error type of ingest: names the file, the cause and what the user can do."""

from __future__ import annotations


class IngestError(Exception):
    """A PDF that cannot be read. ``str(e)`` is one line: ``FILE: cause — hint``."""

    def __init__(self, file: str, cause: str, hint: str) -> None:
        self.file = file
        self.cause = cause
        self.hint = hint
        super().__init__(f"{file}: {cause} — {hint}")
