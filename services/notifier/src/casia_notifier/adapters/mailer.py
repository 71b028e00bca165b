"""The Mailer port over SMTP (aiosmtplib). The Message-ID derives from the notice's key, so a notice
re-sent after a crash carries the same id and mail systems can recognise the duplicate."""

from __future__ import annotations

import asyncio
import contextlib
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from casia_notifier.service.ports import Mail, PermanentDeliveryError
from casia_notifier.settings import NotifierSettings

GOODBYE_SECONDS = 1.0
"""How long the QUIT after an accepted message may take; it cannot change the outcome."""


class SmtpMailer:
    """Sends each mail in its own SMTP session; a 5xx reply is a PermanentDeliveryError.

    Each mail is multipart/alternative: the plain text, then the HTML (both UTF-8).

    The whole transaction is bounded by ``smtp_timeout_seconds`` (aiosmtplib bounds each reply
    only), so the caller's claim to send, which outlasts it, cannot lapse while it is in flight.
    """

    def __init__(self, settings: NotifierSettings) -> None:
        self._settings = settings

    async def send(self, mail: Mail) -> None:
        settings = self._settings
        client = aiosmtplib.SMTP(
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            start_tls=settings.smtp_starttls,
            timeout=settings.smtp_timeout_seconds,
        )
        try:
            async with asyncio.timeout(settings.smtp_timeout_seconds):
                await client.connect()
                await client.send_message(self._message(mail))
        except BaseException as error:
            client.close()
            refusal = _refusal(error)
            if refusal is None:
                raise
            raise refusal from error
        await _goodbye(client)

    def _message(self, mail: Mail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._settings.mail_from
        message["To"] = mail.recipient
        message["Subject"] = mail.subject
        message["Date"] = formatdate(localtime=False, usegmt=True)
        message["Message-ID"] = f"<{mail.message_id}@{self._settings.message_id_domain}>"
        # multipart/alternative, plainest first: clients that cannot show HTML show the text.
        message.set_content(mail.body)
        message.add_alternative(mail.html, subtype="html")
        return message


async def _goodbye(client: aiosmtplib.SMTP) -> None:
    """QUIT, briefly: the server accepted the message, so no failure here may fail the send (it
    would be sent again)."""
    with contextlib.suppress(Exception):
        async with asyncio.timeout(GOODBYE_SECONDS):
            await client.quit()
    client.close()


def _refusal(error: BaseException) -> PermanentDeliveryError | None:
    """The refusal for good that ``error`` reports, if it is one (any other error is transient)."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        # The usual refusal (550 no such mailbox) comes at RCPT TO, reported per recipient.
        refusals = error.recipients
        if refusals and all(_permanent(refusal.code) for refusal in refusals):
            return PermanentDeliveryError("; ".join(_reply(r) for r in refusals))
        return None
    if isinstance(error, aiosmtplib.SMTPResponseException) and _permanent(error.code):
        return PermanentDeliveryError(_reply(error))
    return None


def _permanent(code: int) -> bool:
    return 500 <= code < 600


def _reply(error: aiosmtplib.SMTPResponseException) -> str:
    return f"{error.code} {error.message}"
