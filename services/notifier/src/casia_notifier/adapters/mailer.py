"""The Mailer port over SMTP (aiosmtplib). The Message-ID derives from the notice's key, so a notice
re-sent after a crash carries the same id and mail systems can recognise the duplicate."""

from __future__ import annotations

import asyncio
import contextlib
import time
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from casia_notifier.service.ports import Mail, PermanentDeliveryError
from casia_notifier.settings import NotifierSettings

GOODBYE_SECONDS = 1.0
"""How long the QUIT of a session may take; it cannot change the outcome of any mail."""


class SmtpMailer:
    """Sends mails over SMTP sessions kept open between mails; a 5xx reply is a
    PermanentDeliveryError.

    Each mail is multipart/alternative: the plain text, then the HTML (both UTF-8).

    A session that has just delivered a mail is kept for the next one (up to
    ``smtp_sessions`` idle at once, each for at most ``smtp_session_idle_seconds``, far below
    the idle timeouts of mail servers): connecting and greeting cost as much as sending. A
    session that failed in any way is closed, never reused; a kept session the server has
    dropped is replaced by a new one for the mail at hand.

    The whole transaction is bounded by ``smtp_timeout_seconds`` (aiosmtplib bounds each reply
    only), so the caller's claim to send, which outlasts it, cannot lapse while it is in flight.
    """

    def __init__(self, settings: NotifierSettings) -> None:
        self._settings = settings
        self._idle: list[tuple[aiosmtplib.SMTP, float]] = []
        """Sessions ready for a mail, with the time each went idle (oldest first)."""

    async def send(self, mail: Mail) -> None:
        message = self._message(mail)
        try:
            async with asyncio.timeout(self._settings.smtp_timeout_seconds):
                client = await self._sent_on_kept_session(message)
                if client is None:
                    client = self._new_session()
                    await _sent(client, message, connect=True)
        except BaseException as error:
            refusal = _refusal(error)
            if refusal is None:
                raise
            raise refusal from error
        if len(self._idle) < self._settings.smtp_sessions:
            self._idle.append((client, time.monotonic()))
        else:
            await _goodbye(client)

    async def _sent_on_kept_session(self, message: EmailMessage) -> aiosmtplib.SMTP | None:
        """The kept session that sent ``message``; None if there was none, or the server had
        dropped it (it is sent on a new session then, as the consumer's retry would)."""
        client = self._kept_session()
        if client is None:
            return None
        try:
            await _sent(client, message, connect=False)
        except (aiosmtplib.SMTPServerDisconnected, ConnectionError):
            return None
        return client

    async def close(self) -> None:
        """Say goodbye on every idle session (at shutdown)."""
        idle, self._idle = self._idle, []
        await asyncio.gather(*(_goodbye(client) for client, _ in idle))

    def _kept_session(self) -> aiosmtplib.SMTP | None:
        """The most recently used idle session still connected and fresh; None if there is none
        (the stale ones are closed on the way)."""
        oldest_fresh = time.monotonic() - self._settings.smtp_session_idle_seconds
        while self._idle:
            client, since = self._idle.pop()
            if since >= oldest_fresh and client.is_connected:
                return client
            client.close()
        return None

    def _new_session(self) -> aiosmtplib.SMTP:
        settings = self._settings
        return aiosmtplib.SMTP(
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            start_tls=settings.smtp_starttls,
            timeout=settings.smtp_timeout_seconds,
        )

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
    """QUIT, briefly: the server accepted every message of the session, so no failure here may
    fail a send (it would be sent again)."""
    with contextlib.suppress(Exception):
        async with asyncio.timeout(GOODBYE_SECONDS):
            await client.quit()
    client.close()


async def _sent(client: aiosmtplib.SMTP, message: EmailMessage, *, connect: bool) -> None:
    """Send ``message`` on ``client`` (connecting first if asked); a session that fails in any
    way is closed: its state is unknown."""
    try:
        if connect:
            await client.connect()
        await client.send_message(message)
    except BaseException:
        client.close()
        raise


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
