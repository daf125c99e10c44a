"""Typed errors with messages meant for people, not tracebacks."""

from __future__ import annotations

__all__ = [
    "OnrecordError",
    "InputError",
    "EmptyInput",
    "BinaryInput",
    "TooLarge",
    "MalformedInput",
    "MissingPath",
    "AnalysisError",
]


class OnrecordError(Exception):
    """Base of every error onrecord raises on purpose. ``code`` goes into error records."""

    code = "error"

    def __init__(self, message: str, *, document: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.document = document

    def __str__(self) -> str:
        return self.message


class InputError(OnrecordError):
    code = "input"


class EmptyInput(InputError):
    code = "empty"


class BinaryInput(InputError):
    code = "binary"


class TooLarge(InputError):
    code = "too_large"


class MalformedInput(InputError):
    code = "malformed"


class MissingPath(InputError):
    code = "missing"


class AnalysisError(OnrecordError):
    code = "analysis"
