"""The documents one CASIA service stores in MongoDB and others read, defined once for both."""

from casia_read_models.cases import (
    StoredActor,
    StoredAuthorization,
    StoredCase,
    StoredDocument,
    StoredHistoryEntry,
    StoredInformation,
    StoredPerson,
    StoredRating,
    StoredResolution,
)
from casia_read_models.contacts import StoredContact
from casia_read_models.files import FileStatus, StoredFile, StoredObject
from casia_read_models.outcomes import CommandResult, StoredCommandOutcome
from casia_read_models.receipts import (
    ReceiptDocumentStatus,
    ReceiptStatus,
    StoredReceipt,
    StoredReceiptDocument,
)

__all__ = [
    "CommandResult",
    "FileStatus",
    "ReceiptDocumentStatus",
    "ReceiptStatus",
    "StoredActor",
    "StoredAuthorization",
    "StoredCase",
    "StoredCommandOutcome",
    "StoredContact",
    "StoredDocument",
    "StoredFile",
    "StoredHistoryEntry",
    "StoredInformation",
    "StoredObject",
    "StoredPerson",
    "StoredRating",
    "StoredReceipt",
    "StoredReceiptDocument",
    "StoredResolution",
]
