"""The shared settings refuse a relay lease that would not outlast one Kafka delivery."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from casia_runtime.settings import RuntimeSettings


def test_the_default_lease_outlasts_the_default_delivery_bound() -> None:
    settings = RuntimeSettings()

    assert (settings.relay_lease_seconds, settings.kafka_delivery_bound_seconds) == (30.0, 20.0)


@pytest.mark.parametrize(
    ("lease", "request_timeout"),
    [(20.0, 10.0), (10.0, 10.0), (30.0, 15.0)],
    ids=["equal", "shorter", "slower-kafka"],
)
def test_a_lease_no_longer_than_the_delivery_bound_is_refused_with_both_figures(
    lease: float, request_timeout: float
) -> None:
    with pytest.raises(ValidationError) as refused:
        RuntimeSettings(relay_lease_seconds=lease, kafka_request_timeout_seconds=request_timeout)

    message = str(refused.value)
    assert "relay_lease_seconds" in message and "kafka_request_timeout_seconds" in message
    assert f"({lease})" in message and f"({2 * request_timeout})" in message


def test_the_check_applies_to_settings_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASIA_RELAY_LEASE_SECONDS", "15")

    with pytest.raises(ValidationError, match="relay_lease_seconds"):
        RuntimeSettings()
