"""`casia-local scale <service> <n>`: run n instances of a service on this machine.

Extra instances (``<service>@2``, ``@3``, ...) start beside the first one, the piece `up` starts:
a consumer's in the same consumer group with its health port free-chosen, the gateway's and the
portal's on the service's own port, shared (SO_REUSEPORT: the kernel spreads connections over
them). Each is ready once it answers ``/readyz`` itself and, for a consumer, has joined the
group. Scaling down stops the newest first (SIGTERM: it finishes what it has in hand). `status`,
`logs` and `down` know them by their PID files; during a `make test` run (CASIA_LOCAL_RECORD) the
record file lists them too, so `down --from` stops them.
"""

from __future__ import annotations

import math
import socket

from casia_local.groups import CONSUMED, consumers_per_topic, partitions_of
from casia_local.process import State, Supervisor
from casia_local.report import StackError, say
from casia_local.services import Service, instances
from casia_local.settings import SERVICE_NAMES, Settings
from casia_local.stack import Recorder, recorded_run, supervisor
from casia_local.upgrade import await_new, members_before

SHARED_PORT = ("intake", "portal")
"""Services whose instances share one port: they are reached through it."""


def scale(settings: Settings, service: str, count: int) -> None:
    """Starts or stops extra instances until `count` instances of `service` run."""
    limit(settings, service, count)
    sup = supervisor(settings)
    if sup.state(service) is not State.RUNNING:
        raise StackError(service, "not running under casia-local", "`casia-local up` first")
    running = [piece for piece in instances(settings, service) if _running(sup, piece)]
    while len(running) < count:
        running.append(start_extra(settings, sup, service, number=running[-1].instance + 1))
    while len(running) > count:
        stop_extra(sup, running.pop())
    say("scale.done", service=service, instances=len(running))


def limit(settings: Settings, service: str, count: int) -> None:
    """Refuses a count that cannot be right: below 1, or more consumer instances than the
    partitions of the busiest topic the service reads (the others would idle). Warns above
    ceil(partitions / CASIA_CONSUMERS_PER_TOPIC), where the instances only add idle consumers
    (docs/operations.md, `casia-ops scale limits`)."""
    if service not in SERVICE_NAMES:
        raise StackError(service, f"no such service; one of {', '.join(SERVICE_NAMES)}")
    if count < 1:
        raise StackError(service, f"cannot run {count} instances: at least 1 (`casia-local down` stops it)")
    if service not in CONSUMED:
        return
    partitions = partitions_of(service, settings.kafka.bootstrap)
    busiest = max(partitions.values())
    if count > busiest:
        listed = ", ".join(f"{topic} ({number} partitions)" for topic, number in partitions.items())
        raise StackError(
            service,
            f"cannot run {count} instances: it consumes {listed}; at most {busiest} instances get "
            "a partition, more would idle",
            "scale to fewer, or give the topics more partitions",
        )
    useful = math.ceil(busiest / consumers_per_topic(Service(settings, service).launch().env))
    if count > useful:
        say("scale.idle_consumers", service=service, instances=count, useful=useful)


def start_extra(settings: Settings, sup: Supervisor, service: str, *, number: int) -> Service:
    """Starts instance `number` of `service` and waits until it is ready (and has joined)."""
    port = None if service in SHARED_PORT else free_port()
    piece = Service(settings, service, number, port)
    before = members_before(settings, piece)
    sup.forget(piece.name)
    started = sup.start(piece.launch(), port=port)
    say("scale.started", piece=piece.name, pid=started.pid, port=piece.endpoint.port)
    try:
        await_new(settings, piece, started, before=before)
    except BaseException:
        sup.stop(piece.name, timeout=15.0)
        raise
    Recorder.hand_over(recorded_run(), piece.name, old=None, new=started)
    say("scale.ready", piece=piece.name, pid=started.pid)
    return piece


def stop_extra(sup: Supervisor, piece: Service) -> None:
    """Stops an extra instance by PID (SIGTERM, then SIGKILL after 30 s)."""
    found = sup.record(piece.name)
    sup.stop(piece.name)
    Recorder.hand_over(recorded_run(), piece.name, old=found, new=None)
    say("scale.stopped", piece=piece.name, pid=found.pid if found else "?")


def free_port() -> int:
    """A loopback port free right now (the kernel's choice)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _running(sup: Supervisor, piece: Service) -> bool:
    """True when `piece` runs; a crashed extra's PID file is removed (it is gone)."""
    state = sup.state(piece.name)
    if state is State.CRASHED and piece.instance > 1:
        say("scale.forgot_crashed", piece=piece.name)
        sup.forget(piece.name)
    return state is State.RUNNING
