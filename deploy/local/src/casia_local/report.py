"""What casia-local tells the person running it: fixed messages with key=value fields."""

from __future__ import annotations

import sys


class StackError(RuntimeError):
    """A piece cannot be installed, started or reached: says which, why, and what to do instead."""

    def __init__(self, piece: str, cause: str, fallback: str = "") -> None:
        super().__init__(f"{piece}: {cause}")
        self.piece = piece
        self.cause = cause
        self.fallback = fallback

    def render(self) -> str:
        lines = [f"ERROR piece={self.piece}", f"  cause: {self.cause}"]
        if self.fallback:
            lines.append(f"  instead: {self.fallback}")
        return "\n".join(lines)


def say(event: str, **fields: object) -> None:
    """Prints one line: the fixed event name, then its fields in the given order."""
    parts = [event, *(f"{key}={_text(value)}" for key, value in fields.items())]
    print(" ".join(parts), file=sys.stderr, flush=True)


def _text(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    text = str(value)
    return f'"{text}"' if " " in text else text
