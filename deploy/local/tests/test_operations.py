"""Upgrading and scaling a service with stand-ins (conftest.py: a gateway that shares its port
as the services do, in a temporary home on a free port). Consumers, and the real gateway under
load, against the running stack: test_operations_on_the_stack.py."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from casia_contracts.topics import TOPIC_PARTITIONS
from casia_local import cli, scaling, stack
from casia_local.groups import CONSUMED
from casia_local.process import PidRecord, State
from casia_local.report import StackError
from casia_local.scaling import scale
from casia_local.services import extras, instances
from casia_local.settings import Settings
from casia_local.upgrade import PROCESS_HEADER, upgrade
from casia_runtime.testing.subscriptions import topics_subscribed


def answering_pid(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
        return int(response.headers[PROCESS_HEADER])


def test_an_upgrade_starts_the_new_process_on_the_same_port_then_stops_the_old_and_records_the_new(
    stand_ins: Settings, gateway: PidRecord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / "record.json"
    stack.Recorder(record).add("intake", gateway)
    monkeypatch.setenv("CASIA_LOCAL_RECORD", str(record))

    [new] = upgrade(stand_ins, "intake")

    assert new.pid != gateway.pid
    assert not gateway.is_alive()
    assert stack.supervisor(stand_ins).record("intake") == new
    assert stack.Recorder.load(record) == {"intake": new}
    assert {answering_pid(stand_ins.service_ports["intake"]) for _ in range(10)} == {new.pid}


def test_a_new_process_that_cannot_share_the_port_is_stopped_and_the_old_one_serves_on(
    stand_ins: Settings, gateway: PidRecord, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAND_INS_NOT_SHARING", "intake")  # the new one binds without SO_REUSEPORT

    with pytest.raises(StackError, match="exited during start-up") as refused:
        upgrade(stand_ins, "intake")

    assert "SO_REUSEPORT" in refused.value.fallback
    assert gateway.is_alive()
    assert stack.supervisor(stand_ins).record("intake") == gateway
    assert answering_pid(stand_ins.service_ports["intake"]) == gateway.pid


def test_the_gateway_scales_on_its_shared_port_and_down_stops_every_instance(
    stand_ins: Settings, gateway: PidRecord, capsys: pytest.CaptureFixture[str]
) -> None:
    sup = stack.supervisor(stand_ins)
    port = stand_ins.service_ports["intake"]

    scale(stand_ins, "intake", 3)
    three = [sup.record(piece.name) for piece in instances(stand_ins, "intake")]
    answering = {answering_pid(port) for _ in range(60)}
    stack.status(stand_ins)
    listed = capsys.readouterr().out
    scale(stand_ins, "intake", 2)
    two = [piece.name for piece in instances(stand_ins, "intake")]
    stack.down(stand_ins)

    assert three[0] == gateway
    assert answering == {found.pid for found in three if found}
    assert "intake@2   running" in listed and "intake@3   running" in listed
    assert two == ["intake", "intake@2"]  # the newest went first
    assert [piece.name for piece in extras(stand_ins)] == []
    assert all(not found.is_alive() for found in three if found)


def test_an_upgrade_replaces_every_instance_in_turn(stand_ins: Settings, gateway: PidRecord) -> None:
    scale(stand_ins, "intake", 2)
    before = [stack.supervisor(stand_ins).record(piece.name) for piece in instances(stand_ins, "intake")]

    after = upgrade(stand_ins, "intake")

    assert len(after) == 2
    assert not {found.pid for found in before if found} & {found.pid for found in after}
    assert all(found.is_alive() for found in after)


def test_scaling_refuses_fewer_than_one_instance_or_more_than_the_partitions_can_keep_busy(
    stand_ins: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        scaling, "partitions_of", lambda service, bootstrap: {"casia.documents.commands.v1": 6}
    )
    monkeypatch.setattr(Settings, "from_env", classmethod(lambda cls, env=None: stand_ins))

    assert cli.main(["scale", "documents", "7"]) == 1
    too_many = capsys.readouterr().err
    assert cli.main(["scale", "documents", "0"]) == 1
    too_few = capsys.readouterr().err
    assert cli.main(["scale", "documents", "2"]) == 1  # within bounds, but documents is not running
    not_running = capsys.readouterr().err

    assert "cannot run 7 instances" in too_many and "(6 partitions)" in too_many
    assert "cannot run 0 instances: at least 1" in too_few
    assert "not running under casia-local" in not_running


def test_the_record_file_follows_replaced_started_and_stopped_instances(tmp_path: Path) -> None:
    record = tmp_path / "record.json"
    first, second, third = (PidRecord(pid, pid * 10, "boot") for pid in (101, 102, 103))
    stack.Recorder(record).add("workflow", first)

    stack.Recorder.hand_over(record, "workflow", old=first, new=second)
    stack.Recorder.hand_over(record, "workflow@2", old=None, new=third)
    stack.Recorder.hand_over(record, "receipts", old=first, new=third)  # not recorded: untouched
    after_start = stack.Recorder.load(record)
    stack.Recorder.hand_over(record, "workflow@2", old=third, new=None)

    assert after_start == {"workflow": second, "workflow@2": third}
    assert stack.Recorder.load(record) == {"workflow": second}
    assert set(json.loads(record.read_text())) == {"started"}


def test_a_stack_with_no_extra_instances_has_only_its_pieces(stand_ins: Settings) -> None:
    sup = stack.supervisor(stand_ins)

    assert extras(stand_ins) == []
    assert [piece.name for piece in stack.every_process(stand_ins)] == [
        piece.name for piece in stack.every_piece(stand_ins)
    ]
    assert sup.state("intake@2") is State.STOPPED


def test_the_topics_each_consumer_reads_are_those_its_entrypoint_subscribes_to() -> None:
    for service, read in CONSUMED.items():
        assert topics_subscribed(service, TOPIC_PARTITIONS) == set(read), service
