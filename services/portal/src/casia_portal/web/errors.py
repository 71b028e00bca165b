"""A page that cannot be shown, and why, for people."""

from __future__ import annotations


class PageError(Exception):
    """A page that cannot be shown: its status, a title and an explanation in Spanish."""

    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail


class Refusal:
    """What the API refused on a form, to show again with the form: the message per field, and
    the problem as a whole (None: a form shown for the first time)."""

    def __init__(self, errors: dict[str, str] | None = None, problem: object | None = None) -> None:
        self.errors = errors or {}
        self.problem = problem


NONE = Refusal()
