"""The headers every action reads: ``Idempotency-Key`` and ``If-Match`` (API.md "Actions")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Final

from fastapi import Depends, Header

from casia_intake.entrypoints.problems import Problem

_ETAG: Final = re.compile(r'"([1-9][0-9]{0,17})"')


def etag(version: int) -> str:
    """A case read's ETag: its version, as a strong entity tag."""
    return f'"{version}"'


@dataclass(frozen=True)
class ActionHeaders:
    idempotency_key: str | None = None
    if_match: str | None = None

    @property
    def expected_version(self) -> int | None:
        """The version the caller saw, or None for no precondition (absent, or ``*``)."""
        if self.if_match is None or self.if_match.strip() == "*":
            return None
        match = _ETAG.fullmatch(self.if_match.strip())
        if match is None:
            raise Problem(
                422,
                "invalid-if-match",
                "Cabecera If-Match no válida",
                'If-Match debe llevar la ETag del caso tal como se leyó (por ejemplo "7"), o *.',
            )
        return int(match.group(1))


async def action_headers(
    idempotency_key: Annotated[
        str | None,
        Header(
            min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$", description="Visible ASCII, 1 to 255"
        ),
    ] = None,
    if_match: Annotated[
        str | None, Header(max_length=64, description='The ETag of the case as read ("7"), or *')
    ] = None,
) -> ActionHeaders:
    return ActionHeaders(idempotency_key, if_match)


Headers = Annotated[ActionHeaders, Depends(action_headers)]
