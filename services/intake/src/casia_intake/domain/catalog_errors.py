"""What goes wrong with the catalog: a person's request (Spanish problems) or the data file itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


class Problem(NamedTuple):
    """One thing wrong with a request: the field it concerns and a message for people."""

    field: str
    message_es: str


class CatalogError(ValueError):
    """A request does not fit the catalog; `problems` lists every reason (Spanish messages)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(" ".join(p.message_es for p in self.problems))


class UnknownCatalogNode(CatalogError):
    """The case type, subject, category or subcategory does not exist or is not offered."""

    def __init__(self, message_es: str, *, field: str) -> None:
        super().__init__([Problem(field, message_es)])
        self.field = field
        self.message_es = message_es


class UnknownDocumentType(CatalogError):
    """The document type code is not in the catalog."""

    def __init__(self, message_es: str, *, field: str = "document_type") -> None:
        super().__init__([Problem(field, message_es)])
        self.field = field
        self.message_es = message_es


class CatalogViolation(CatalogError):
    """Classification, additional data or an upload break catalog rules; all problems at once."""


class CatalogDataError(Exception):
    """The catalog data file itself is inconsistent (a deployment error, not a user error)."""
