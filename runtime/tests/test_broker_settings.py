"""make_broker: the bootstrap setting may name several brokers."""

from __future__ import annotations

from functools import partial

from casia_runtime.kafka import make_broker
from casia_runtime.settings import RuntimeSettings


def test_a_comma_separated_bootstrap_is_several_brokers() -> None:
    broker = make_broker(RuntimeSettings(kafka_bootstrap="10.0.0.1:9092, 10.0.0.2:9092,10.0.0.3:9092"))

    # What FastStream hands to aiokafka's clients when the broker connects.
    builder = broker.config.broker_config.builder
    assert isinstance(builder, partial)
    assert builder.keywords["bootstrap_servers"] == [
        "10.0.0.1:9092",
        "10.0.0.2:9092",
        "10.0.0.3:9092",
    ]
