"""Why an uploaded file is refused: a stable code for programs and a Spanish reason for people."""

from __future__ import annotations

from enum import StrEnum


class RefusalCode(StrEnum):
    """Stable reason codes, shared by the gateway's problem+json and ``document.rejected``."""

    UNSAFE_FILE_NAME = "unsafe_file_name"
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    UNSUPPORTED_TYPE = "unsupported_type"
    CONTENT_TYPE_MISMATCH = "content_type_mismatch"
    ENCRYPTED_PDF = "encrypted_pdf"
    UNREADABLE = "unreadable"
    UNSAFE_XML = "unsafe_xml"
    MISSING_UPLOAD = "missing_upload"


class FileRefused(Exception):
    """The file cannot be accepted; ``reason`` says why in Spanish, naming the file."""

    def __init__(self, code: RefusalCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
