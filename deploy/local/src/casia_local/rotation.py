"""`casia-local rotate-secret auth`: a new dev token secret for the local gateway, with no downtime.

A new random secret is kept, the one it replaces kept as the previous one (a previous one kept
by an earlier rotation is dropped), and the gateway is upgraded (:mod:`casia_local.upgrade`): the
new processes accept tokens signed with either, so tokens minted before the rotation keep working
until they expire or the next rotation. Then the portal, which signs its dev sign-ins with the
current secret, is upgraded too. ``--forget-previous`` ends the overlap early: the previous
secret is dropped and the gateway upgraded.

If the gateway cannot be upgraded, the secrets are put back as they were: a gateway still on the
old secret alone never meets tokens that `casia-token` signed with a new one. A rotation that
would drop the secret the running portal signs with is refused.
"""

from __future__ import annotations

from pathlib import Path

from casia_local.auth import DevSecrets, keep_dev_secrets, kept_dev_secrets
from casia_local.process import State
from casia_local.report import StackError, say
from casia_local.settings import PORTAL, Settings
from casia_local.stack import supervisor
from casia_local.upgrade import upgrade

SECRETS = ("auth",)
"""What `rotate-secret` rotates. MinIO's credentials are rotated by hand: docs/operations.md."""
_SIGNS_WITH = "CASIA_AUTH_DEV_SECRET"


def rotate(settings: Settings, what: str, *, forget_previous: bool = False) -> DevSecrets:
    """Rotates `what` (only "auth"); returns the secrets now kept."""
    if what not in SECRETS:
        raise StackError(
            what,
            f"casia-local rotates {', '.join(SECRETS)} only",
            "MinIO's credentials: see docs/operations.md, 'Scaling, upgrading, rotating secrets'",
        )
    if settings.auth_dev_secret:
        raise StackError(
            "intake",
            "CASIA_AUTH_DEV_SECRET is set in the environment, so casia-local does not keep the secret",
            "rotate it where it is set: the old value in CASIA_AUTH_DEV_PREVIOUS_SECRETS, the new one "
            "in CASIA_AUTH_DEV_SECRET, then `casia-local upgrade intake`",
        )
    before = kept_dev_secrets(settings)
    if portal_secret(settings) in before.previous:
        raise StackError(
            PORTAL,
            "the running portal still signs with the previous secret, which this would stop accepting",
            "first `casia-local upgrade portal` (or `casia-local restart portal`)",
        )
    after = before.without_previous() if forget_previous else before.rotated()
    keep_dev_secrets(settings, after)
    try:
        upgrade(settings, "intake")
    except BaseException:
        keep_dev_secrets(settings, before)
        say("rotate.undone", secret=what, reason="the gateway was not upgraded; it runs as before")
        raise
    say("rotate.done", secret=what, previous_accepted=len(after.previous))
    if not forget_previous and supervisor(settings).state(PORTAL) is State.RUNNING:
        _upgrade_portal(settings)
    return after


def _upgrade_portal(settings: Settings) -> None:
    try:
        upgrade(settings, PORTAL)
    except StackError as error:
        raise StackError(
            PORTAL,
            "the gateway was rotated, but the portal still signs with the previous secret (accepted "
            f"until the next rotation): {error.cause}",
            "`casia-local restart portal` (a short outage of the portal's screens)",
        ) from error


def portal_secret(settings: Settings) -> str | None:
    """The secret the running portal signs with (its process's environment), or None."""
    found = supervisor(settings).record(PORTAL)
    if found is None or not found.is_alive():
        return None
    try:
        environ = Path(f"/proc/{found.pid}/environ").read_bytes().decode(errors="replace")
    except OSError:
        return None
    values = dict(entry.partition("=")[::2] for entry in environ.split("\0") if entry)
    return values.get(_SIGNS_WITH)
