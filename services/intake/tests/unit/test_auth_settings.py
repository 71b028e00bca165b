"""The gateway authenticates only as its settings explicitly say: no mode, no start."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from casia_intake.app import create_app
from casia_intake.auth import AuthMisconfigured, auth_config
from casia_intake.settings import IntakeSettings

from ..builders import DEV_SECRET


def test_without_a_mode_the_gateway_refuses_to_be_built_and_names_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CASIA_AUTH_MODE", raising=False)
    monkeypatch.delenv("CASIA_AUTH_DEV_SECRET", raising=False)

    with pytest.raises(AuthMisconfigured, match="CASIA_AUTH_MODE is not set"):
        create_app(IntakeSettings())


def test_dev_mode_refuses_a_missing_or_short_secret() -> None:
    for secret in (None, SecretStr("x" * 31)):
        with pytest.raises(AuthMisconfigured, match="CASIA_AUTH_DEV_SECRET of at least 32 bytes"):
            auth_config(IntakeSettings(auth_mode="dev", auth_dev_secret=secret))


def test_dev_mode_with_a_long_secret_checks_the_local_issuer_and_audience() -> None:
    config = auth_config(IntakeSettings(auth_mode="dev", auth_dev_secret=SecretStr(DEV_SECRET)))

    assert (config.mode, config.issuer, config.audience, config.dev_secret) == (
        "dev",
        "casia-local",
        "casia",
        DEV_SECRET,
    )


def test_oidc_mode_names_each_setting_it_lacks() -> None:
    with pytest.raises(AuthMisconfigured) as refused:
        auth_config(IntakeSettings(auth_mode="oidc", auth_issuer="https://idp.example"))

    assert "CASIA_AUTH_JWKS_URL" in str(refused.value)
    assert "CASIA_AUTH_AUDIENCE" in str(refused.value)
    assert "CASIA_AUTH_ISSUER" not in str(refused.value)


def test_oidc_mode_never_accepts_the_dev_secret() -> None:
    settings = IntakeSettings(
        auth_mode="oidc",
        auth_jwks_url="https://idp.example/jwks",
        auth_issuer="https://idp.example",
        auth_audience="casia",
        auth_dev_secret=SecretStr(DEV_SECRET),
    )

    config = auth_config(settings)

    assert (config.mode, config.dev_secret, config.jwks_url) == ("oidc", None, "https://idp.example/jwks")
