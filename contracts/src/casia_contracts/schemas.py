"""JSON Schemas of every message, as an outside subscriber needs them: the full envelope.

``all_schemas()`` gives one schema per CloudEvents type (``<type>.json``: the ``CloudEvent`` with
its ``type`` fixed and its ``data`` model), plus ``dead_letter.json`` for the dead-letter record.
They are generated from the models (validation mode: what a reader accepts) and committed in
``contracts/schemas/``; a test fails when the committed files drift from the models.

Regenerate the schemas and the AsyncAPI document with::

    uv run python -m casia_contracts.schemas export

and check them (exit status 1 when out of date) with ``... schemas check``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from casia_contracts._schema_tools import (
    CONTRACTS_DIR,
    JSON_SCHEMA_DIALECT,
    JsonObject,
    pin_type,
    render_json,
)
from casia_contracts.asyncapi import ASYNCAPI_FILE, build_asyncapi
from casia_contracts.base import Message
from casia_contracts.dead_letters import DeadLetter
from casia_contracts.envelope import envelope_model
from casia_contracts.registry import MESSAGE_MODELS

SCHEMAS_DIR: Final = CONTRACTS_DIR / "schemas"
DEAD_LETTER_SCHEMA_FILE: Final = "dead_letter.json"
EXPORT_COMMAND: Final = "uv run python -m casia_contracts.schemas export"


def schema_file_name(message_type: str) -> str:
    """The file that holds the schema of one CloudEvents type: ``<type>.json``."""
    return f"{message_type}.json"


def envelope_schema(model: type[Message]) -> JsonObject:
    """The JSON Schema of a whole CloudEvent carrying ``model``, with ``type`` fixed."""
    schema = envelope_model(model).model_json_schema()
    pin_type(schema, model.message_type)
    return {"$schema": JSON_SCHEMA_DIALECT, **schema}


def all_schemas() -> dict[str, JsonObject]:
    """File name -> JSON Schema, for every message type and the dead-letter record."""
    schemas = {schema_file_name(model.message_type): envelope_schema(model) for model in MESSAGE_MODELS}
    schemas[DEAD_LETTER_SCHEMA_FILE] = {"$schema": JSON_SCHEMA_DIALECT, **DeadLetter.model_json_schema()}
    return schemas


def rendered_files(schemas_dir: Path = SCHEMAS_DIR, asyncapi_file: Path = ASYNCAPI_FILE) -> dict[Path, str]:
    """Every generated file (the schemas and the AsyncAPI document) with its exact text."""
    files = {schemas_dir / name: render_json(schema) for name, schema in all_schemas().items()}
    files[asyncapi_file] = render_json(build_asyncapi())
    return files


def _stale(schemas_dir: Path, files: dict[Path, str]) -> list[Path]:
    return [path for path in sorted(schemas_dir.glob("*.json")) if path not in files]


def _differing(files: dict[Path, str]) -> list[Path]:
    return [path for path, text in files.items() if not path.exists() or path.read_text("utf-8") != text]


def export(schemas_dir: Path = SCHEMAS_DIR, asyncapi_file: Path = ASYNCAPI_FILE) -> list[Path]:
    """Write every generated file that differs and delete stale ``*.json`` schemas.

    Returns the paths written or deleted (empty when everything was already in sync).
    """
    schemas_dir.mkdir(parents=True, exist_ok=True)
    files = rendered_files(schemas_dir, asyncapi_file)
    stale, differing = _stale(schemas_dir, files), _differing(files)
    for path in stale:
        path.unlink()
    for path in differing:
        path.write_text(files[path], encoding="utf-8")
    return stale + differing


def out_of_date(schemas_dir: Path = SCHEMAS_DIR, asyncapi_file: Path = ASYNCAPI_FILE) -> list[Path]:
    """The files that ``export`` would write or delete (empty when everything is in sync)."""
    files = rendered_files(schemas_dir, asyncapi_file)
    return _stale(schemas_dir, files) + _differing(files)


def main(argv: Sequence[str] | None = None) -> int:
    """``export`` writes the files; ``check`` exits 1 listing the files that are out of date."""
    parser = argparse.ArgumentParser(prog="python -m casia_contracts.schemas", description=__doc__)
    parser.add_argument("command", choices=["export", "check"])
    args = parser.parse_args(argv)
    if args.command == "export":
        for path in export():
            print(f"updated {path}")
        return 0
    stale = out_of_date()
    for path in stale:
        print(f"out of date: {path}", file=sys.stderr)
    if stale:
        print(f"regenerate with: {EXPORT_COMMAND}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
