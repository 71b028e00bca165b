"""Which topics a service's consumer entrypoint subscribes to, read from the entrypoint itself.

Deployment descriptions (the local stack's, the Kubernetes manifests) say which topics each
service consumes; their tests hold them to what ``casia_<service>.entrypoints.consumer`` really
subscribes, by running its ``subscribe`` against a broker that is never started, with a stand-in
for the service's use case.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterable
from types import SimpleNamespace

from faststream.kafka import KafkaBroker

from casia_runtime.consumer import GuardedConsumer

WIRING = {"broker", "guard", "consumers"}
"""The parameters of every ``subscribe``; the one left is the service's use case."""


def topics_subscribed(service: str, among: Iterable[str]) -> set[str]:
    """Those of ``among`` that the consumer entrypoint of ``service`` subscribes to."""
    module = importlib.import_module(f"casia_{service}.entrypoints.consumer")
    guard = GuardedConsumer(service=service, dead_letters=SimpleNamespace(), max_attempts=1)
    [use_case] = [name for name in inspect.signature(module.subscribe).parameters if name not in WIRING]
    stand_in = SimpleNamespace(handle=None, handle_together=None)
    module.subscribe(KafkaBroker(), **{use_case: stand_in, "guard": guard, "consumers": 1})
    return {topic for topic in among if _handled(guard, topic)}


def _handled(guard: GuardedConsumer, topic: str) -> bool:
    try:
        guard.handler_for(topic)
    except KeyError:
        return False
    return True
