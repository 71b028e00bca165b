"""File names as the uploader gave them are untrusted: what is kept, what is refused.

A browser sends a bare file name, so anything that is not one is refused rather than repaired:
path separators and traversal (``../x``, ``C:\\x``), control characters, and invisible Unicode
formatting characters (right-to-left overrides that make ``gpj.exe`` read as ``exe.jpg``,
zero-width joiners). What is kept is normalised (NFC, spaces trimmed); characters that some
systems forbid in names are replaced by ``_``; a name longer than :data:`MAX_NAME_LENGTH`
characters is shortened, keeping its extension.
"""

from __future__ import annotations

import unicodedata
from typing import Final

from casia_uploads.refusals import FileRefused, RefusalCode

MAX_NAME_LENGTH: Final = 150
FORBIDDEN_ON_SOME_SYSTEMS: Final = frozenset('<>:"|?*')
SEPARATORS: Final = frozenset("/\\")
MAX_EXTENSION_LENGTH: Final = 10


def clean_file_name(raw: str) -> str:
    """The name to keep for ``raw``. Raises FileRefused (``unsafe_file_name``) for a name that
    is empty, a path, a traversal, or holds control or invisible formatting characters."""
    name = unicodedata.normalize("NFC", raw).strip()
    if not name or name in {".", ".."}:
        raise _refused(raw, "no es un nombre de fichero")
    if any(ch in SEPARATORS for ch in name):
        raise _refused(raw, "contiene separadores de ruta")
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} for ch in name):
        raise _refused(raw, "contiene caracteres de control o invisibles")
    name = "".join("_" if ch in FORBIDDEN_ON_SOME_SYSTEMS else ch for ch in name)
    return _shortened(name)


def _shortened(name: str) -> str:
    if len(name) <= MAX_NAME_LENGTH:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > MAX_EXTENSION_LENGTH:
        return name[:MAX_NAME_LENGTH]
    return f"{stem[: MAX_NAME_LENGTH - len(extension) - 1]}.{extension}"


def _refused(raw: str, why: str) -> FileRefused:
    shown = ascii(raw[:60])  # the name is hostile: show it escaped, never as it is
    return FileRefused(RefusalCode.UNSAFE_FILE_NAME, f"El nombre de fichero {shown} {why}.")
