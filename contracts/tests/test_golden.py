"""Golden payloads: one hand-checked example per type, read, validated and written back exactly."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from casia_contracts import EVENT_TYPES, DeadLetter, RawEvent, parse_data
from casia_contracts.envelope import envelope_model
from casia_contracts.schemas import DEAD_LETTER_SCHEMA_FILE, SCHEMAS_DIR, all_schemas

GOLDEN_DIR = Path(__file__).parent / "golden"
ENVELOPE_FILES = sorted(path.name for path in GOLDEN_DIR.glob("es.casia.*.json"))


def _golden(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((GOLDEN_DIR / name).read_text(encoding="utf-8"))
    return document


def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS_DIR / name).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_there_is_one_golden_payload_per_schema() -> None:
    assert sorted(path.name for path in GOLDEN_DIR.glob("*.json")) == sorted(all_schemas())


@pytest.mark.parametrize("name", ENVELOPE_FILES)
def test_golden_envelope_parses_by_its_type(name: str) -> None:
    document = _golden(name)

    data = parse_data(RawEvent.model_validate(document))

    assert name == f"{document['type']}.json"
    assert type(data) is EVENT_TYPES[document["type"]]


@pytest.mark.parametrize("name", ENVELOPE_FILES)
def test_golden_envelope_validates_against_its_committed_schema(name: str) -> None:
    _validator(name).validate(_golden(name))


@pytest.mark.parametrize("name", ENVELOPE_FILES)
def test_golden_envelope_is_written_back_exactly(name: str) -> None:
    document = _golden(name)
    model = envelope_model(EVENT_TYPES[document["type"]])

    assert json.loads(model.model_validate(document).model_dump_json()) == document


@pytest.mark.parametrize("name", ENVELOPE_FILES)
def test_readers_ignore_unknown_fields_in_envelope_and_data(name: str) -> None:
    document = _golden(name)
    newer = copy.deepcopy(document)
    newer["newextension"] = "x"
    newer["data"]["field_added_later"] = {"nested": [1, 2]}
    model = envelope_model(EVENT_TYPES[document["type"]])

    read = model.model_validate(newer)

    _validator(name).validate(newer)
    assert read == model.model_validate(document)
    assert json.loads(read.model_dump_json()) == document


@pytest.mark.parametrize("name", ENVELOPE_FILES)
def test_golden_envelope_without_nulls_is_still_valid(name: str) -> None:
    document = _golden(name)
    model = envelope_model(EVENT_TYPES[document["type"]])
    written = json.loads(model.model_validate(document).model_dump_json(exclude_none=True))

    _validator(name).validate(written)
    assert model.model_validate(written) == model.model_validate(document)


def test_an_envelope_does_not_validate_against_another_types_schema() -> None:
    errors = _validator("es.casia.case.opened.json").iter_errors(_golden("es.casia.case.assigned.json"))

    assert ["type"] in [list(error.path) for error in errors]


def test_golden_dead_letter_parses_validates_and_is_written_back_exactly() -> None:
    document = _golden(DEAD_LETTER_SCHEMA_FILE)

    letter = DeadLetter.model_validate(document)

    _validator(DEAD_LETTER_SCHEMA_FILE).validate(document)
    assert json.loads(letter.model_dump_json()) == document
    assert json.loads(letter.payload)["type"] == "es.casia.case.command.unknown"
