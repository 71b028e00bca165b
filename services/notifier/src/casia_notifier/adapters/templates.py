"""The Renderer port over jinja2: one Environment, strict about missing values.

Each template sets ``subject`` with ``{% set subject = ... %}`` and renders the plain-text body;
the event is in the context as ``event``, in its JSON form (times as ISO strings).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from casia_contracts.case_events import CaseEvent
from casia_notifier.service.ports import RenderedNotice


class NoticeRenderer:
    """Built once per process; times are shown in ``timezone`` (``local_time`` filter)."""

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
        self._env.filters["last_day"] = self._last_day

    def render(self, template: str, event: CaseEvent) -> RenderedNotice:
        context = {"event": event.model_dump(mode="json")}
        module = self._env.get_template(f"{template}.txt.j2").make_module(context)
        subject = str(getattr(module, "subject", "")).strip()
        if not subject:
            raise ValueError(f"template {template} sets no subject")
        return RenderedNotice(subject=subject, body=str(module))

    def _local_time(self, value: datetime | str) -> str:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        return moment.astimezone(self._zone).strftime("%d/%m/%Y %H:%M:%S")

    def _last_day(self, value: datetime | str) -> str:
        """The last day of a period that ends at ``value`` (a deadline at 00:00 means the day before)."""
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        return (moment.astimezone(self._zone) - timedelta(microseconds=1)).strftime("%d/%m/%Y")
