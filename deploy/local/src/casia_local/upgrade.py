"""`casia-local upgrade <service>`: each process of a service replaced by a new one (the code
now on disk) with no downtime, one instance at a time.

For each instance: a new process starts beside the old one, on the same port (the services bind
it with SO_REUSEPORT: casia_runtime.worker.serve); once the new process itself answers
``/readyz`` with 200 (told from the old one by its ``casia-process`` header) and, for a consumer,
has joined the consumer group, the old one gets SIGTERM (it stops accepting, finishes the
requests and the messages in hand, leaves the group) and is waited for; then the PID file, and
the record file of a `make test` run, name the new process. A new process that exits or is not
ready in time is stopped, and the old one serves on untouched.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from email.message import Message

from casia_local.groups import CONSUMED, Group, consumers_per_process
from casia_local.process import PidRecord, Supervisor, terminate
from casia_local.report import StackError, say
from casia_local.services import Service, instances
from casia_local.settings import SERVICE_NAMES, Settings
from casia_local.stack import Recorder, recorded_run, supervisor, tail

PROCESS_HEADER = "casia-process"
"""The response header naming the PID of the process that answered (casia_runtime.worker.serve)."""
_POLL_SECONDS = 0.1
_SHARING = (
    "a process can share its port only if it, and the one already there, bind it with SO_REUSEPORT "
    "(casia_runtime.worker.serve). A process started by an older casia-local cannot: restart it "
    "once (`casia-local restart <piece>`)"
)


def upgrade(settings: Settings, service: str) -> list[PidRecord]:
    """Replaces every instance of `service` in turn (rolling); returns the new processes."""
    if service not in SERVICE_NAMES:
        raise StackError(service, f"no such service; one of {', '.join(SERVICE_NAMES)}")
    return [replace(settings, piece) for piece in instances(settings, service)]


def replace(settings: Settings, piece: Service) -> PidRecord:
    """One instance replaced by a new process of the same launch; see the module's docstring."""
    sup = supervisor(settings)
    old = sup.record(piece.name)
    if old is None or not old.is_alive():
        raise StackError(piece.name, "not running under casia-local: nothing to upgrade", "`casia-local up`")
    before = members_before(settings, piece)
    new = sup.spawn(piece.launch())
    say("upgrade.started", piece=piece.name, pid=new.pid, beside=old.pid, port=piece.endpoint.port)
    try:
        await_new(settings, piece, new, before=before)
    except BaseException:
        terminate(new, timeout=15.0)
        say("upgrade.abandoned", piece=piece.name, stopped=new.pid, still_serving=old.pid)
        raise
    terminate(old)
    sup.adopt(piece.name, new, port=piece.port)
    Recorder.hand_over(recorded_run(), piece.name, old=old, new=new)
    say("upgrade.done", piece=piece.name, pid=new.pid, replaced=old.pid)
    return new


def members_before(settings: Settings, piece: Service) -> set[str]:
    """The members of `piece`'s consumer group before a new process of it starts (none for the
    gateway and the portal)."""
    if piece.service not in CONSUMED:
        return set()
    return Group(settings.kafka.bootstrap, piece.service).settled_members(timeout=settings.ready_timeout)


def await_new(settings: Settings, piece: Service, new: PidRecord, *, before: set[str]) -> None:
    """Until the process `new` of `piece` answers /readyz with 200 itself and, for a consumer, all
    its consumers are members of the group that were not in `before`."""
    await_answering(supervisor(settings), piece, new, timeout=settings.ready_timeout)
    if piece.service not in CONSUMED:
        return
    joined = Group(settings.kafka.bootstrap, piece.service).await_joined(
        before=before,
        joining=consumers_per_process(piece.service, piece.launch().env),
        alive=new.is_alive,
        timeout=settings.ready_timeout,
    )
    say("instance.joined", piece=piece.name, pid=new.pid, group=piece.service, members=len(joined))


def await_answering(sup: Supervisor, piece: Service, new: PidRecord, *, timeout: float) -> None:
    """Polls `piece`'s /readyz on new connections until the process `new` answers it with 200
    (the kernel spreads connections over every process on a shared port); raises when `new`
    exits or after `timeout`."""
    url = f"http://{piece.endpoint}/readyz"
    began = time.monotonic()
    while answered_by(url) != (200, new.pid):
        if not new.is_alive():
            raise StackError(
                piece.name,
                f"the new process exited during start-up; last log lines:\n{tail(sup.log_path(piece.name))}",
                _SHARING,
            )
        if time.monotonic() - began > timeout:
            raise StackError(
                piece.name,
                f"the new process (PID {new.pid}) did not answer ready within {timeout:.0f} s",
                piece.fallback,
            )
        time.sleep(_POLL_SECONDS)


def answered_by(url: str, *, timeout: float = 2.0) -> tuple[int, int | None] | None:
    """The status of one GET on a new connection and the PID of the process that answered it
    (None without the header), or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback URL we build)
            return int(response.status), _pid(response.headers)
    except urllib.error.HTTPError as error:
        return int(error.code), _pid(error.headers)
    except (OSError, ValueError):
        return None


def _pid(headers: Message) -> int | None:
    value = headers.get(PROCESS_HEADER)
    return int(value) if value is not None and value.isdigit() else None
