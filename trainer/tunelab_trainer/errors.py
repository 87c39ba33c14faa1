"""The one exception type that becomes an `error` event (kind, one-line message, hint)."""

from __future__ import annotations

from typing import Any


class TrainerError(Exception):
    def __init__(self, kind: str, message: str, hint: str, **extra: Any):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.hint = hint
        self.extra = extra


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else ""
    return f"{type(exc).__name__}: {line}" if line else type(exc).__name__
