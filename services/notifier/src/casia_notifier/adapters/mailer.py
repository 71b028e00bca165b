"""The Mailer port over SMTP (aiosmtplib). The Message-ID derives from the notice's key, so a notice
re-sent after a crash carries the same id and mail systems can recognise the duplicate."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from casia_notifier.service.ports import Mail, PermanentDeliveryError
from casia_notifier.settings import NotifierSettings


class SmtpMailer:
    """Sends each mail in its own SMTP session; a 5xx reply is a PermanentDeliveryError."""

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
        except aiosmtplib.SMTPRecipientsRefused as error:
            # The usual refusal (550 no such mailbox) comes at RCPT TO, reported per recipient.
            refusals = error.recipients
            if refusals and all(_permanent(refusal.code) for refusal in refusals):
                raise PermanentDeliveryError("; ".join(_reply(r) for r in refusals)) from error
            raise
        except aiosmtplib.SMTPResponseException as error:
            if _permanent(error.code):
                raise PermanentDeliveryError(_reply(error)) from error
            raise


def _permanent(code: int) -> bool:
    return 500 <= code < 600


def _reply(error: aiosmtplib.SMTPResponseException) -> str:
    return f"{error.code} {error.message}"
