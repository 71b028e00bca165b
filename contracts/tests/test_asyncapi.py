"""The AsyncAPI 3.0 document of casia.cases.events.v1 describes every case event correctly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from casia_contracts import CASE_EVENT_MODELS, CASE_EVENTS, TOPIC_PARTITIONS
from casia_contracts.asyncapi import build_asyncapi, message_id

GOLDEN_DIR = Path(__file__).parent / "golden"
CASE_EVENT_TYPES = [model.message_type for model in CASE_EVENT_MODELS]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_asyncapi()


def _refs(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def test_document_is_asyncapi_3_for_the_public_case_topic(document: dict[str, Any]) -> None:
    channel = document["channels"]["caseEvents"]

    assert document["asyncapi"] == "3.0.0"
    assert channel["address"] == CASE_EVENTS
    assert channel["bindings"]["kafka"]["partitions"] == TOPIC_PARTITIONS[CASE_EVENTS]
    assert document["operations"]["publishCaseEvents"]["action"] == "send"


def test_key_is_the_case_number(document: dict[str, Any]) -> None:
    key = document["components"]["messageBindings"]["caseKey"]["kafka"]["key"]

    assert key["type"] == "string"
    assert "case number" in key["description"]


def test_every_case_event_is_a_message_of_the_channel(document: dict[str, Any]) -> None:
    messages = document["components"]["messages"]

    assert [message["name"] for message in messages.values()] == CASE_EVENT_TYPES
    assert list(document["channels"]["caseEvents"]["messages"]) == [
        message_id(model) for model in CASE_EVENT_MODELS
    ]
    operation_refs = [ref["$ref"] for ref in document["operations"]["publishCaseEvents"]["messages"]]
    assert len(operation_refs) == len(CASE_EVENT_MODELS)


def test_every_reference_resolves(document: dict[str, Any]) -> None:
    for ref in _refs(document):
        assert _resolve(document, ref) is not None


@pytest.mark.parametrize("event_type", CASE_EVENT_TYPES)
def test_golden_case_event_validates_against_its_asyncapi_payload(
    document: dict[str, Any], event_type: str
) -> None:
    message = next(m for m in document["components"]["messages"].values() if m["name"] == event_type)
    golden = json.loads((GOLDEN_DIR / f"{event_type}.json").read_text(encoding="utf-8"))
    validator = Draft202012Validator({**document, "$ref": message["payload"]["$ref"]})

    validator.validate(golden)
    assert not validator.is_valid(golden | {"type": "es.casia.case.other"})
