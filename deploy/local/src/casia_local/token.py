"""``casia-token``: mint a development token for the local gateway (HS256, issuer casia-local),
signed with the local stack's secret (:func:`casia_local.auth.dev_secret`).

Example::

    casia-token --nif 12345678Z --name "Ana Pérez" --role autorizado \
        --authorization 1234567:B12345674:"Gestoría Pérez SL"
"""

from __future__ import annotations

import argparse
import time

from casia_intake.auth import AuthorizationClaim, Claims, Role, mint_dev_token
from casia_local.auth import dev_secret
from casia_local.settings import Settings


def _authorization(text: str) -> AuthorizationClaim:
    number, holder_nif, business_name = text.split(":", 2)
    return AuthorizationClaim(number=number, holder_nif=holder_nif, business_name=business_name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="casia-token", description=__doc__.splitlines()[0])
    parser.add_argument("--nif", required=True, help="the user's NIF (claim sub)")
    parser.add_argument("--name", required=True)
    parser.add_argument("--email")
    parser.add_argument("--role", action="append", choices=[r.value for r in Role], required=True)
    parser.add_argument(
        "--authorization",
        action="append",
        type=_authorization,
        default=[],
        metavar="NUMBER:HOLDER_NIF:BUSINESS_NAME",
    )
    parser.add_argument("--ttl", type=int, default=8 * 3600, help="seconds of validity")
    args = parser.parse_args(argv)
    claims = Claims(
        sub=args.nif,
        name=args.name,
        email=args.email,
        roles=tuple(Role(r) for r in args.role),
        authorizations=tuple(args.authorization),
    )
    secret = dev_secret(Settings.from_env())
    print(mint_dev_token(secret, claims, now=int(time.time()), ttl_seconds=args.ttl))


if __name__ == "__main__":
    main()
