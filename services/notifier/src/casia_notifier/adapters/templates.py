"""E-mail rendering: one jinja2 Environment, autoescaping and strict about missing values.

Each template sets ``subject`` with ``{% set subject = ... %}`` and renders the plain-text body.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@dataclass(frozen=True, slots=True)
class RenderedNotice:
    subject: str
    body: str


class NoticeRenderer:
    def __init__(self, *, timezone: str) -> None:
        self._zone = ZoneInfo(timezone)
        self._env = Environment(
            loader=PackageLoader("casia_notifier", "templates"),
            # HTML templates are escaped; plain-text notices (*.txt.j2) must not be.
            autoescape=select_autoescape(enabled_extensions=("html", "xml"), default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self._env.filters["local_time"] = self._local_time

    def render(self, template: str, context: dict[str, Any]) -> RenderedNotice:
        module = self._env.get_template(f"{template}.txt.j2").make_module(context)
        subject = str(getattr(module, "subject", "")).strip()
        if not subject:
            raise ValueError(f"template {template} sets no subject")
        return RenderedNotice(subject=subject, body=str(module))

    def _local_time(self, value: datetime | str) -> str:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        return moment.astimezone(self._zone).strftime("%d/%m/%Y %H:%M:%S")
