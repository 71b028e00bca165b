"""The base of every stored document model."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict


class Stored(BaseModel):
    """Immutable; enums stored as their plain values; unknown fields ignored when read, so a
    writer can add an optional field before its readers know it."""

    model_config = ConfigDict(frozen=True, extra="ignore", use_enum_values=True)


class StoredDocumentModel(Stored):
    """A whole document of one collection, keyed in MongoDB by :attr:`KEY`'s value as ``_id``."""

    COLLECTION: ClassVar[str]
    KEY: ClassVar[str]

    def to_document(self) -> dict[str, Any]:
        """What the writer stores: the fields (datetimes as datetimes) and ``_id``."""
        fields = self.model_dump()
        return {"_id": fields[self.KEY], **fields}

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Self:
        """What a reader makes of a stored document (unknown fields ignored; the key taken from
        ``_id`` when the document does not repeat it)."""
        return cls.model_validate({cls.KEY: document.get("_id"), **document})
