"""Helpers shared by the JSON Schema and AsyncAPI exports (no contract lives here)."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any, Final

from casia_contracts.envelope import CloudEvent

CONTRACTS_DIR: Final = Path(__file__).resolve().parents[2]
"""The ``contracts/`` folder of the source tree (the package is installed editable)."""

JSON_SCHEMA_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"

JsonObject = dict[str, Any]


def pin_type(envelope_schema: JsonObject, message_type: str) -> None:
    """Fix the envelope schema's ``type`` to ``message_type`` and describe the envelope (in place)."""
    envelope_schema["description"] = inspect.cleandoc(CloudEvent.__doc__ or "")
    properties: JsonObject = envelope_schema["properties"]
    pinned = {key: value for key, value in properties["type"].items() if key != "pattern"}
    pinned["const"] = message_type
    properties["type"] = pinned


def render_json(document: object) -> str:
    """Pretty, key-sorted JSON with a final newline: stable, diff-friendly, commit-ready."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
