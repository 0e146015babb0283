"""Errors with codes and a hint, in the manner of spaCy's ``E001`` messages."""

from __future__ import annotations


class KgError(Exception):
    """Base class for the errors this package raises on purpose."""


class KgInputError(KgError):
    """A document that cannot be read as a resolution. The CLI maps it to exit code 2.

    Args:
        code: a stable code such as ``E101``.
        path: the file (or ``file#record``) the problem is in.
        message: what is wrong.
        hint: what to do about it.
    """

    def __init__(self, code: str, path: str, message: str, hint: str = "") -> None:
        self.code = code
        self.path = path
        self.message = message
        self.hint = hint
        text = f"[{code}] {path}: {message}"
        if hint:
            text += f" (hint: {hint})"
        super().__init__(text)


class StoreLockedError(KgError):
    """The on-disk store is held by another process (usually ``kg serve``)."""


# Codes used across the package, in one place so that docs and tests can list them.
E_EMPTY = "E101"
E_BINARY = "E102"
E_PDF_NO_TEXT = "E103"
E_JSON_NO_TEXT = "E104"
E_JSON_INVALID = "E105"
E_PDF_UNREADABLE = "E106"
E_NOT_FOUND = "E107"
E_TOO_LARGE = "E108"
E_NO_SYMBOL = "E201"
E_NO_PARAGRAPHS = "E202"
E_STORE_WRITE = "E301"
