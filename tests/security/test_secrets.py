"""No secret in the repository, and the dev secret is dev-only.

Scanned: every file git tracks. Refused anywhere (tests included): private keys, cloud and API
tokens, signed JWTs, key files. Refused outside test folders: a literal default for a setting
named like a secret, a literal ``SecretStr``, a secret-named key given a value in a configuration
file; unless it is the documented dev-only value (``casia-local-secret``, the local MinIO's
password, with its user ``casia``; README and deploy/local/README.md) or a placeholder that says
so (``dev-only-...``, deploy/k8s's development overlay). Tests sign their in-process gateways with
throwaway secrets on purpose.
Python assignments of password-like literals are also caught by ruff's S105-S107 in ``make check``.
The local stack's own auth secret is random, kept under .local/ (ignored by git), and in no file.

An oidc-mode gateway given the dev secret too ignores it (settings: services/intake/tests/unit/
test_auth_settings.py::test_oidc_mode_never_accepts_the_dev_secret); here, the tokens: one
signed with the dev secret, or any HS256 or unsigned one, is refused, and only its JWKS signs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic import SecretStr

from casia_intake.auth import InvalidToken, TokenVerifier, auth_config
from casia_intake.settings import IntakeSettings
from casia_intake.testing import jwks_served
from casia_local.auth import SECRET_FILE, dev_secret
from casia_local.settings import Settings

REPO: Final = Path(__file__).resolve().parents[2]
DEV_ONLY: Final = {
    "casia-local-secret": "the local MinIO's password (CASIA_S3_SECRET_KEY), documented as dev-only",
    "casia": "the local MinIO's user (CASIA_S3_ACCESS_KEY): a name, not a secret",
}
CONFIGURATION: Final = re.compile(r"(\.(toml|ya?ml|ini|cfg|env|json|sh)|Makefile|\.ci/run)$")
IN_TESTS: Final = re.compile(r"(^|/)tests/")

ANYWHERE: Final = {
    "private key": re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|AIPA)[A-Z0-9]{16}\b"),
    "AWS secret access key": re.compile(r"(?i)aws.?secret.?access.?key\W{1,5}[A-Za-z0-9/+=]{40}"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}"),
    "Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}"),
    "Stripe live key": re.compile(r"\b[rs]k_live_[0-9A-Za-z]{20,}"),
    "signed JWT": re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}"),
}
OUTSIDE_TESTS: Final = {
    "literal SecretStr": re.compile(r"SecretStr\(\s*[\"']([^\"']+)[\"']\s*\)"),
    "literal default of a secret setting": re.compile(
        r"(?:get|getenv|setdefault)\(\s*[\"'][A-Z0-9_]*(?:SECRET|PASSWORD|TOKEN|_KEY)[A-Z0-9_]*[\"']\s*,\s*"
        r"[\"']([^\"']+)[\"']"
    ),
}
IN_CONFIGURATION: Final = re.compile(
    r"(?i)\b[\w.-]*(?:secret|secret_?key|password|passwd|token|api_?key|access_?key)\b[\"']?[ \t]*[:=][ \t]*"
    r"[\"']?([^\s\"'#,\]}]{8,})"
)
NOT_A_VALUE: Final = re.compile(r"(?i)true|false|null|none|yes|no|[{\[$<].*|[\w.]+:[\w.]+")
"""Booleans, references (``${X}``, ``<x>``, a mapping or list), an entry point (``pkg.mod:main``)."""
PLACEHOLDER: Final = "dev-only-"
"""The prefix the repository's development-only placeholders carry (deploy/k8s's dev overlay)."""
SECRET_FILE_NAMES: Final = re.compile(
    r"(^|/)(id_[rd]sa|id_ecdsa|id_ed25519|\.env)$|\.(pem|key|p12|pfx|jks|keystore)$"
)


def tracked() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
    return [name for name in listed.stdout.decode().split("\0") if name]


def text_of(name: str) -> str | None:
    path = REPO / name
    if not path.is_file():  # deleted in the work tree, not yet committed
        return None
    data = path.read_bytes()
    return None if b"\0" in data[:8192] else data.decode("utf-8", errors="replace")


def findings() -> list[str]:
    found: list[str] = []
    for name in tracked():
        if SECRET_FILE_NAMES.search(name):
            found.append(f"{name}: a key or environment file")
        text = text_of(name)
        if text is None:
            continue
        found += [f"{name}: {what}" for what, pattern in ANYWHERE.items() if pattern.search(text)]
        if IN_TESTS.search(name):
            continue
        for what, pattern in OUTSIDE_TESTS.items():
            found += [f"{name}: {what} {v!r}" for v in pattern.findall(text) if v not in DEV_ONLY]
        if CONFIGURATION.search(name):
            values = IN_CONFIGURATION.findall(text)
            found += [f"{name}: secret-named key = {v!r}" for v in values if _secret_like(v)]
    return found


def _secret_like(value: str) -> bool:
    return not (value in DEV_ONLY or value.startswith(PLACEHOLDER) or NOT_A_VALUE.fullmatch(value))


def test_no_key_token_or_secret_is_tracked_other_than_the_documented_dev_only_one() -> None:
    assert len(tracked()) > 100  # the scan did see the repository
    assert findings() == []


def test_the_scan_would_see_a_secret_if_one_were_committed() -> None:
    """The patterns above, on text that holds each kind of secret (so an empty list of findings
    means none is there, not that the patterns match nothing). The samples are put together at
    run time, so that this file does not hold what it looks for."""
    leaked = "\n".join(
        [
            "-----BEGIN RSA " + "PRIVATE KEY-----",
            "aws_access_key_id = AKIA" + "IOSFODNN7EXAMPLE",
            "aws_secret_access_key = " + "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            'token = "ghp_' + "a" * 36 + '"',
            'settings = Settings(s3_secret_key=SecretStr("hunter2-but-longer"))',
            'secret = env.get("CASIA_SESSION_SECRET", "a-default-session-secret")',
        ]
    )

    found = [what for what, pattern in ANYWHERE.items() if pattern.search(leaked)]
    found += [what for what, pattern in OUTSIDE_TESTS.items() if pattern.search(leaked)]

    assert found == [
        "private key",
        "AWS access key id",
        "AWS secret access key",
        "GitHub token",
        "literal SecretStr",
        "literal default of a secret setting",
    ]
    configuration = "password = 'hunter22-long'\nSECRET_KEY: s3cr3t-value\nliterals: [token=dev-only-x-y-z]"
    flagged = [v for v in IN_CONFIGURATION.findall(configuration) if _secret_like(v)]
    assert flagged == ["hunter22-long", "s3cr3t-value"]


def test_the_stacks_own_auth_secret_is_in_no_tracked_file_and_git_ignores_where_it_is_kept() -> None:
    settings = Settings.from_env()
    secret = dev_secret(settings)
    kept = settings.home / "config" / SECRET_FILE
    ignored = subprocess.run(["git", "check-ignore", "-q", str(kept)], cwd=REPO, check=False)

    assert ignored.returncode == 0, f"{kept} is not ignored by git"
    assert not [name for name in tracked() if secret in (text_of(name) or "")]


@pytest.fixture
def oidc() -> Iterator[tuple[TokenVerifier, rsa.RSAPrivateKey]]:
    """A gateway's token check in oidc mode, with the dev secret set as well, and an identity
    provider whose JWKS, served on the loopback, holds one RSA key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with jwks_served({"idp-1": key}) as url:
        settings = IntakeSettings(
            auth_mode="oidc",
            auth_jwks_url=url,
            auth_issuer="https://idp.example",
            auth_audience="casia",
            auth_dev_secret=SecretStr(dev_secret(Settings.from_env())),
        )
        yield TokenVerifier(auth_config(settings)), key


def hs256_by_hand(claims: dict[str, object], key: bytes, header: dict[str, str]) -> str:
    """HS256 signed by hand (PyJWT refuses a PEM as an HMAC key: the attacker's tools do not)."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = (
        f"{b64(json.dumps({'alg': 'HS256', **header}).encode())}.{b64(json.dumps(claims).encode())}"
    )
    return f"{signing_input}.{b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())}"


async def test_an_oidc_gateway_accepts_its_issuers_tokens_only(
    oidc: tuple[TokenVerifier, rsa.RSAPrivateKey],
) -> None:
    verifier, key = oidc
    claims: dict[str, object] = {
        "sub": "12345678Z",
        "name": "Ana",
        "iss": "https://idp.example",
        "aud": "casia",
    }
    claims["exp"] = int(time.time()) + 60
    kid = {"kid": "idp-1"}
    another_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    forged = {
        "HS256 with the dev secret": jwt.encode(
            claims, dev_secret(Settings.from_env()), "HS256", headers=kid
        ),
        "alg none": jwt.encode(claims, "", algorithm="none", headers=kid),
        "RS256 by another key under the issuer's kid": jwt.encode(claims, another_key, "RS256", headers=kid),
        "HS256 with the issuer's public key as the secret": hs256_by_hand(claims, public_pem, kid),
    }

    accepted = await verifier.verify(jwt.encode(claims, key, algorithm="RS256", headers=kid))
    let_in = []
    for name, token in forged.items():
        try:
            await verifier.verify(token)
        except InvalidToken:
            continue
        let_in.append(name)

    assert accepted.nif == "12345678Z"
    assert let_in == []
