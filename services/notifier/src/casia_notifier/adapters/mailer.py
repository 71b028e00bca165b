"""SMTP delivery through aiosmtplib. The Message-ID derives from the notice's key, so a notice
re-sent after a crash carries the same id and mail systems can recognise the duplicate."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from casia_notifier.settings import NotifierSettings


@dataclass(frozen=True, slots=True)
class Mail:
    message_id: str
    recipient: str
    subject: str
    body: str


class PermanentDeliveryError(Exception):
    """The server refused the message for good (5xx): retrying cannot help."""


class SmtpMailer:
    def __init__(self, settings: NotifierSettings) -> None:
        self._settings = settings

    async def send(self, mail: Mail) -> None:
        message = EmailMessage()
        message["From"] = self._settings.mail_from
        message["To"] = mail.recipient
        message["Subject"] = mail.subject
        message["Date"] = formatdate(localtime=False, usegmt=True)
        message["Message-ID"] = f"<{mail.message_id}@{self._settings.message_id_domain}>"
        message.set_content(mail.body)
        try:
            await aiosmtplib.send(
                message,
                hostname=self._settings.smtp_host,
                port=self._settings.smtp_port,
                username=self._settings.smtp_username,
                password=self._settings.smtp_password,
                start_tls=self._settings.smtp_starttls,
                timeout=self._settings.smtp_timeout_seconds,
            )
        except aiosmtplib.SMTPResponseException as error:
            if 500 <= error.code < 600:
                raise PermanentDeliveryError(f"{error.code} {error.message}") from error
            raise
