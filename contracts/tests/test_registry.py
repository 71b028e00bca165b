from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from casia_contracts import (
    CASE_COMMAND_MODELS,
    CASE_COMMANDS,
    CASE_EVENT_MODELS,
    CASE_EVENTS,
    DOCUMENT_COMMANDS,
    DOCUMENT_EVENTS,
    EVENT_TYPES,
    MESSAGE_MODELS,
    NOTIFICATION_EVENTS,
    RECEIPT_EVENTS,
    TYPES_BY_TOPIC,
    CaseAssigned,
    Causality,
    RawEvent,
    UnknownEventTypeError,
    build_event,
    model_for,
    parse_data,
)

_PREFIX = {
    CASE_COMMANDS: "es.casia.case.command.",
    CASE_EVENTS: "es.casia.case.",
    DOCUMENT_COMMANDS: "es.casia.document.command.",
    DOCUMENT_EVENTS: "es.casia.document.",
    RECEIPT_EVENTS: "es.casia.receipt.",
    NOTIFICATION_EVENTS: "es.casia.notification.",
}


def test_every_model_has_one_distinct_type() -> None:
    assert len(MESSAGE_MODELS) == 34
    assert len(EVENT_TYPES) == len(MESSAGE_MODELS)
    assert all(EVENT_TYPES[model.message_type] is model for model in MESSAGE_MODELS)


@pytest.mark.parametrize("model", MESSAGE_MODELS, ids=lambda model: model.__name__)
def test_type_strings_follow_their_topic(model: Any) -> None:
    assert model.message_type.startswith(_PREFIX[model.topic])
    if model.topic == CASE_EVENTS:
        assert ".command." not in model.message_type


@pytest.mark.parametrize("model", MESSAGE_MODELS, ids=lambda model: model.__name__)
def test_every_model_states_its_contract(model: Any) -> None:
    assert model.__doc__
    assert len(model.__doc__.strip()) > 20


def test_case_commands_and_events_are_on_their_topics() -> None:
    assert TYPES_BY_TOPIC[CASE_COMMANDS] == tuple(model.message_type for model in CASE_COMMAND_MODELS)
    assert TYPES_BY_TOPIC[CASE_EVENTS] == tuple(model.message_type for model in CASE_EVENT_MODELS)
    assert set(TYPES_BY_TOPIC) == set(_PREFIX)


def test_model_for_gives_the_data_model() -> None:
    assert model_for("es.casia.case.assigned") is CaseAssigned


def _raw(case_assigned: CaseAssigned, **changes: Any) -> RawEvent:
    event = build_event(
        case_assigned,
        event_id="evt-1",
        source="/casia/workflow",
        time=case_assigned.occurred_at,
        causality=Causality.start("corr-1"),
    )
    document = json.loads(event.model_dump_json()) | changes
    return RawEvent.model_validate(document)


def test_parse_data_picks_the_model_by_type(case_assigned: CaseAssigned) -> None:
    data = parse_data(_raw(case_assigned))

    assert isinstance(data, CaseAssigned)
    assert data == case_assigned


def test_unknown_types_are_a_clear_value_error(case_assigned: CaseAssigned) -> None:
    raw = _raw(case_assigned, type="es.casia.case.teleported")

    with pytest.raises(
        UnknownEventTypeError, match=r"unknown CloudEvents type 'es\.casia\.case\.teleported'"
    ):
        parse_data(raw)
    assert issubclass(UnknownEventTypeError, ValueError)


def test_data_that_does_not_fit_its_type_is_refused(case_assigned: CaseAssigned) -> None:
    with pytest.raises(ValidationError):
        parse_data(_raw(case_assigned, type="es.casia.case.escalated"))


def test_subject_and_case_number_must_agree(case_assigned: CaseAssigned) -> None:
    with pytest.raises(ValueError, match="is not the case number"):
        parse_data(_raw(case_assigned, subject="CAS-2025-0000001"))
