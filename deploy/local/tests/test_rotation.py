"""`casia-local rotate-secret auth` with stand-ins (conftest.py): the new secret is kept, the
replaced one kept as previous and handed to the upgraded gateway, and nothing is left half done.
That a real gateway then accepts tokens signed with either: test_operations_on_the_stack.py."""

from __future__ import annotations

import dataclasses
import stat
from pathlib import Path

import pytest

from casia_local import stack
from casia_local.auth import (
    PREVIOUS_SECRETS_FILE,
    SECRET_FILE,
    DevSecrets,
    dev_secret,
    gateway_auth_env,
    kept_dev_secrets,
    portal_env,
)
from casia_local.process import PidRecord
from casia_local.report import StackError
from casia_local.rotation import portal_secret, rotate
from casia_local.settings import Settings


def environment_of(found: PidRecord) -> dict[str, str]:
    raw = Path(f"/proc/{found.pid}/environ").read_bytes().split(b"\0")
    return dict(entry.decode().split("=", 1) for entry in raw if b"=" in entry)


def test_a_rotation_keeps_the_replaced_secret_as_previous_and_upgrades_the_gateway(
    stand_ins: Settings, gateway: PidRecord
) -> None:
    first = dev_secret(stand_ins)

    rotated = rotate(stand_ins, "auth")
    running = stack.supervisor(stand_ins).record("intake")
    environment = environment_of(running) if running else {}
    again = rotate(stand_ins, "auth")
    forgotten = rotate(stand_ins, "auth", forget_previous=True)

    assert rotated.previous == (first,) and len(rotated.current.encode()) >= 32
    assert running is not None and running != gateway
    assert environment["CASIA_AUTH_DEV_SECRET"] == rotated.current
    assert environment["CASIA_AUTH_DEV_PREVIOUS_SECRETS"] == first
    assert again.previous == (rotated.current,)  # the first secret is no longer accepted
    assert forgotten == DevSecrets(again.current)
    assert dev_secret(stand_ins) == again.current
    assert gateway_auth_env(stand_ins) == {"CASIA_AUTH_MODE": "dev", "CASIA_AUTH_DEV_SECRET": again.current}
    kept = [stand_ins.home / "config" / name for name in (SECRET_FILE, PREVIOUS_SECRETS_FILE)]
    assert [stat.S_IMODE(path.stat().st_mode) for path in kept] == [0o600, 0o600]


def test_a_rotation_whose_gateway_cannot_be_upgraded_puts_the_secrets_back(stand_ins: Settings) -> None:
    before = kept_dev_secrets(stand_ins)

    with pytest.raises(StackError, match="not running under casia-local"):
        rotate(stand_ins, "auth")

    assert kept_dev_secrets(stand_ins) == before


def test_a_secret_set_in_the_environment_is_not_rotated_by_casia_local(stand_ins: Settings) -> None:
    given = dataclasses.replace(stand_ins, auth_dev_secret="s" * 40)

    with pytest.raises(StackError, match="CASIA_AUTH_DEV_SECRET is set in the environment"):
        rotate(given, "auth")
    with pytest.raises(StackError, match="rotates auth only"):
        rotate(stand_ins, "minio")
    assert "CASIA_AUTH_DEV_PREVIOUS_SECRETS" not in portal_env(stand_ins)


def test_a_rotation_upgrades_the_running_portal_to_sign_with_the_new_secret(
    stand_ins: Settings, portal: PidRecord
) -> None:
    rotated = rotate(stand_ins, "auth")

    assert not portal.is_alive()
    assert portal_secret(stand_ins) == rotated.current


def test_a_rotation_never_drops_the_secret_the_running_portal_still_signs_with(
    stand_ins: Settings, portal: PidRecord, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAND_INS_NOT_SHARING", "portal")  # its new process cannot share the port
    first = dev_secret(stand_ins)

    with pytest.raises(StackError, match="the portal still signs with the previous secret"):
        rotate(stand_ins, "auth")
    rotated = kept_dev_secrets(stand_ins)
    with pytest.raises(StackError, match="would stop accepting"):
        rotate(stand_ins, "auth")
    with pytest.raises(StackError, match="would stop accepting"):
        rotate(stand_ins, "auth", forget_previous=True)

    assert rotated.previous == (first,)  # the gateway was rotated: it accepts both
    assert portal.is_alive() and portal_secret(stand_ins) == first
    assert kept_dev_secrets(stand_ins) == rotated
