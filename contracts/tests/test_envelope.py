from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from casia_contracts import (
    CaseAssigned,
    Causality,
    CloudEvent,
    RawEvent,
    build_event,
    event_source,
    new_event_id,
    parse_data,
)
from casia_contracts.envelope import envelope_model

_AT = datetime(2025, 4, 1, 8, 30, 1, tzinfo=UTC)


def _event(data: CaseAssigned, *, time: datetime = _AT) -> CloudEvent[CaseAssigned]:
    return build_event(
        data,
        event_id="evt-1",
        source=event_source("workflow"),
        time=time,
        causality=Causality(correlation_id="corr-1", causation_id="cmd-1"),
    )


def test_build_event_takes_type_and_subject_from_the_data(case_assigned: CaseAssigned) -> None:
    event = _event(case_assigned)

    assert event.specversion == "1.0"
    assert event.type == "es.casia.case.assigned"
    assert event.subject == case_assigned.case_number
    assert event.datacontenttype == "application/json"
    assert (event.id, event.source, event.time) == ("evt-1", "/casia/workflow", _AT)
    assert (event.correlationid, event.causationid) == ("corr-1", "cmd-1")
    assert event.data is case_assigned


def test_an_envelope_round_trips_through_json(case_assigned: CaseAssigned) -> None:
    written = _event(case_assigned).model_dump_json()

    read = RawEvent.model_validate_json(written)

    assert parse_data(read) == case_assigned
    assert envelope_model(CaseAssigned).model_validate_json(written) == _event(case_assigned)


def test_writers_that_drop_nulls_are_still_read(case_assigned: CaseAssigned) -> None:
    event = _event(case_assigned).model_copy(update={"causationid": None})
    written = event.model_dump_json(exclude_none=True)

    assert "causationid" not in json.loads(written)
    assert envelope_model(CaseAssigned).model_validate_json(written) == event


def test_causality_follows_the_cause(case_assigned: CaseAssigned) -> None:
    cause = _event(case_assigned)

    assert Causality.caused_by(cause) == Causality(correlation_id="corr-1", causation_id="evt-1")
    assert Causality.start("req-9") == Causality(correlation_id="req-9", causation_id=None)


def test_naive_times_are_refused(case_assigned: CaseAssigned) -> None:
    with pytest.raises(ValidationError, match="timezone"):
        _event(case_assigned, time=datetime(2025, 4, 1, 8, 30))


def test_times_are_normalized_to_utc_and_written_with_z(case_assigned: CaseAssigned) -> None:
    madrid_summer = timezone(timedelta(hours=2))
    event = _event(case_assigned, time=datetime(2025, 4, 1, 10, 30, 1, tzinfo=madrid_summer))

    assert event.time == _AT
    assert event.time.utcoffset() == timedelta(0)
    assert json.loads(event.model_dump_json())["time"] == "2025-04-01T08:30:01Z"


@given(st.datetimes(timezones=st.timezones()))
def test_any_aware_time_keeps_its_instant_in_utc(moment: datetime) -> None:
    raw = RawEvent(
        specversion="1.0",
        id="e",
        source="/casia/test",
        type="es.casia.test",
        subject="CAS-1",
        time=moment,
        correlationid="c",
        data={},
    )

    again = RawEvent.model_validate_json(raw.model_dump_json())

    assert again.time == moment.astimezone(UTC)
    assert again.time.tzinfo is UTC


def test_type_must_name_the_data_model(case_assigned: CaseAssigned) -> None:
    with pytest.raises(ValidationError, match="does not match data CaseAssigned"):
        CloudEvent(
            specversion="1.0",
            id="e",
            source="/casia/workflow",
            type="es.casia.case.opened",
            subject=case_assigned.case_number,
            time=_AT,
            correlationid="c",
            data=case_assigned,
        )


def test_subject_must_be_the_case_number(case_assigned: CaseAssigned) -> None:
    with pytest.raises(ValidationError, match="is not the case number"):
        CloudEvent(
            specversion="1.0",
            id="e",
            source="/casia/workflow",
            type=case_assigned.message_type,
            subject="CAS-0000-0000000",
            time=_AT,
            correlationid="c",
            data=case_assigned,
        )


@pytest.mark.parametrize(
    ("attribute", "value"),
    [("specversion", "0.3"), ("id", ""), ("source", "/casia/with space"), ("correlationid", " ")],
)
def test_envelope_attributes_are_checked(case_assigned: CaseAssigned, attribute: str, value: str) -> None:
    document: dict[str, Any] = json.loads(_event(case_assigned).model_dump_json())
    document[attribute] = value

    with pytest.raises(ValidationError):
        RawEvent.model_validate(document)


def test_envelopes_are_immutable(case_assigned: CaseAssigned) -> None:
    with pytest.raises(ValidationError):
        _event(case_assigned).id = "other"  # type: ignore[misc]


def test_new_event_id_is_a_fresh_uuid4() -> None:
    first, second = new_event_id(), new_event_id()

    assert first != second
    assert uuid.UUID(first).version == 4
