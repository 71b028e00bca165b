"""The Renderer port over jinja2: one Environment, strict about missing values.

Each notice is two templates over one event, which is in the context as ``event`` in its JSON
form (times as ISO strings): ``<notice>.txt.j2``, the plain text, which names the notice by
setting ``subject`` and ``heading`` (``{% set subject = ... %}``), and ``<notice>.html.j2``, the
HTML, which is given that ``subject`` and ``heading``. Each extends its layout
(``_layout.txt.j2``, ``_layout.html.j2``). The HTML templates are autoescaped, the text ones not.
A receipt notice links to the receipt's page on the gateway (``receipt_url``), never attaches it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from casia_notifier.adapters import wording
from casia_notifier.service.ports import NoticeCause, RenderedNotice

VERIFY_PATH = "/v1/receipts/verify/{cea}"
"""Where the gateway verifies a receipt by its CEA (the page; ``/pdf`` after it, the PDF)."""


class NoticeRenderer:
    """Built once per process; times are shown in ``timezone`` (``local_time`` filter), and
    receipts are verified at ``public_base_url`` (``receipt_url``)."""

    def __init__(self, *, timezone: str, public_base_url: str) -> None:
        self._zone = ZoneInfo(timezone)
        self._public_base_url = public_base_url.rstrip("/")
        self._env = Environment(
            loader=PackageLoader("casia_notifier", "templates"),
            # HTML templates are escaped; plain-text notices (*.txt.j2) must not be. The names end
            # in ".j2", so "html.j2" must be listed: "html" alone matches only names ending ".html".
            autoescape=select_autoescape(
                enabled_extensions=("html.j2", "html", "xml"), default_for_string=True
            ),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self._env.filters["local_time"] = self._local_time
        self._env.filters["last_day"] = self._last_day
        self._env.filters["lines"] = _lines
        self._env.globals.update(
            case_type_name=wording.case_type_name,
            state_name=wording.state_name,
            request_name=wording.request_name,
            receipt_title=wording.receipt_title,
            receipt_url=self._receipt_url,
        )

    def render(self, template: str, event: NoticeCause) -> RenderedNotice:
        context = {"event": event.model_dump(mode="json")}
        text = self._env.get_template(f"{template}.txt.j2").make_module(context)
        subject = str(getattr(text, "subject", "")).strip()
        heading = str(getattr(text, "heading", "")).strip()
        if not subject or not heading:
            raise ValueError(f"template {template} sets no subject or no heading")
        html = self._env.get_template(f"{template}.html.j2").render(context, subject=subject, heading=heading)
        return RenderedNotice(subject=subject, body=str(text), html=html)

    def _local_time(self, value: datetime | str) -> str:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        return moment.astimezone(self._zone).strftime("%d/%m/%Y %H:%M:%S")

    def _receipt_url(self, cea: str) -> str:
        """The gateway's page that verifies the receipt of ``cea`` and serves its PDF."""
        return self._public_base_url + VERIFY_PATH.format(cea=quote(cea, safe=""))

    def _last_day(self, value: datetime | str) -> str:
        """The last day of a period that ends at ``value`` (a deadline at 00:00 means the day before)."""
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        return (moment.astimezone(self._zone) - timedelta(microseconds=1)).strftime("%d/%m/%Y")


def _lines(value: str) -> Markup:
    """``value`` escaped, its line breaks kept as ``<br>`` (HTML templates only): a message
    typed over several lines reads as typed, with or without CSS."""
    return Markup("<br>\n").join(escape(line) for line in str(value).split("\n"))
