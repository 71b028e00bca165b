"""The portal refuses to start unsafe: no session secret, or no sign-in mode chosen."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from casia_portal.app import PortalMisconfigured, create_app
from casia_portal.settings import PortalSettings


@pytest.mark.parametrize(
    "settings",
    [
        PortalSettings(auth_mode="dev", session_secret=None),
        PortalSettings(auth_mode="dev", session_secret=SecretStr("short")),
        PortalSettings(auth_mode=None, session_secret=SecretStr("s" * 40)),
    ],
    ids=["no-secret", "short-secret", "no-sign-in-mode"],
)
def test_an_unsafe_portal_does_not_start(settings: PortalSettings) -> None:
    with pytest.raises(PortalMisconfigured):
        create_app(settings)
