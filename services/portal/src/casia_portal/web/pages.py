"""Rendering pages: one jinja2 Environment (autoescape, StrictUndefined), built once, with what
every page shows (the person, the authorization, the date and time, the CSRF token)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from casia_portal.web.session import csrf_token, visitor

TEMPLATES = Path(__file__).parent.parent / "templates"


class Pages:
    def __init__(self, *, timezone: str) -> None:
        self._zone = ZoneInfo(timezone)
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["local_time"] = self.local_time
        self.env.filters["local_date"] = self.local_date

    def render(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        page = self.env.get_template(template).render(
            request=request,
            visitor=visitor(request),
            csrf=csrf_token(request),
            now=self.local_time(datetime.now(UTC)),
            **context,
        )
        return HTMLResponse(page, status_code=status)

    def local_time(self, value: datetime | str | None) -> str:
        moment = _moment(value)
        return moment.astimezone(self._zone).strftime("%d/%m/%Y %H:%M") if moment else ""

    def today(self, now: datetime | None = None) -> date:
        """The calendar day it is where the users are (the searches' months and days are theirs:
        at 23:30 UTC on 1 December it is already 2 December in Madrid)."""
        return (now or datetime.now(UTC)).astimezone(self._zone).date()

    def local_date(self, value: datetime | str | None) -> str:
        moment = _moment(value)
        return moment.astimezone(self._zone).strftime("%d/%m/%Y") if moment else ""


def _moment(value: datetime | str | None) -> datetime | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
