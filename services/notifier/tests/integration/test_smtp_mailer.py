"""The SMTP mailer: what counts as a refusal for good, and what reaches the server.

Refusals come from a scripted SMTP server on a local port (the stack's Mailpit accepts
everything); the delivered mail is read back from Mailpit.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from email import policy
from email.parser import BytesParser

import httpx
import pytest

from casia_notifier.adapters.mailer import SmtpMailer
from casia_notifier.service.ports import Mail, PermanentDeliveryError
from casia_notifier.settings import NotifierSettings

MAIL_API = os.environ.get("CASIA_MAIL_API_URL", "http://127.0.0.1:8025/api/v1")
OK = "250 2.0.0 OK"


def a_mail(recipient: str = "gestoria@example.es") -> Mail:
    return Mail(
        message_id=str(uuid.uuid4()),
        recipient=recipient,
        subject="CASIA: prueba",
        body="Hola & <adiós>\n",
        html='<!DOCTYPE html>\n<html lang="es"><body><p>Hola &amp; &lt;adiós&gt;</p></body></html>\n',
    )


def mailer_on(port: int) -> SmtpMailer:
    return SmtpMailer(NotifierSettings(smtp_host="127.0.0.1", smtp_port=port, smtp_timeout_seconds=5))


@asynccontextmanager
async def smtp_server(*, rcpt: str = OK, data: str = OK) -> AsyncIterator[int]:
    """A minimal SMTP server answering RCPT TO with ``rcpt`` and the message with ``data``."""

    async def session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        def reply(line: str) -> None:
            writer.write(f"{line}\r\n".encode())

        reply("220 stub ESMTP")
        while line := (await reader.readline()).decode().strip():
            verb = line.split(" ", 1)[0].upper()
            answers: dict[str, Callable[[], str]] = {
                "EHLO": lambda: "250 stub",
                "HELO": lambda: "250 stub",
                "MAIL": lambda: OK,
                "RCPT": lambda: rcpt,
                "RSET": lambda: OK,
                "NOOP": lambda: OK,
                "QUIT": lambda: "221 2.0.0 bye",
            }
            if verb == "DATA":
                reply("354 go ahead")
                await writer.drain()
                while (await reader.readline()) not in (b".\r\n", b""):
                    pass
                reply(data)
            else:
                reply(answers.get(verb, lambda: "502 5.5.2 unknown")())
            await writer.drain()
            if verb == "QUIT":
                break
        writer.close()

    server = await asyncio.start_server(session, "127.0.0.1", 0)
    async with server:
        yield server.sockets[0].getsockname()[1]


async def test_a_mail_the_server_accepts_is_sent_without_error() -> None:
    async with smtp_server() as port:
        await mailer_on(port).send(a_mail())


@pytest.mark.parametrize(
    ("rcpt", "data"),
    [("550 5.1.1 no such mailbox", OK), (OK, "554 5.7.1 message refused")],
    ids=["recipient-refused", "message-refused"],
)
async def test_a_5xx_refusal_is_permanent(rcpt: str, data: str) -> None:
    async with smtp_server(rcpt=rcpt, data=data) as port:
        with pytest.raises(PermanentDeliveryError, match=r"^55"):
            await mailer_on(port).send(a_mail())


@pytest.mark.parametrize(
    ("rcpt", "data"),
    [("451 4.3.0 try again later", OK), (OK, "452 4.3.1 insufficient storage")],
    ids=["recipient-deferred", "message-deferred"],
)
async def test_a_4xx_reply_is_transient(rcpt: str, data: str) -> None:
    async with smtp_server(rcpt=rcpt, data=data) as port:
        with pytest.raises(Exception) as raised:
            await mailer_on(port).send(a_mail())

    assert not isinstance(raised.value, PermanentDeliveryError)


async def test_an_unreachable_server_is_transient() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with pytest.raises(Exception) as raised:
        await mailer_on(port).send(a_mail())

    assert not isinstance(raised.value, PermanentDeliveryError)


@pytest.mark.integration
async def test_the_mail_reaches_the_server_with_its_message_id_and_both_parts_as_given() -> None:
    settings = NotifierSettings()
    recipient = f"m-{uuid.uuid4().hex[:8]}@gestoria-pruebas.es"
    mail = a_mail(recipient)

    await SmtpMailer(settings).send(mail)

    async with httpx.AsyncClient() as http:
        [found] = (await http.get(f"{MAIL_API}/search", params={"query": f"to:{recipient}"})).json()[
            "messages"
        ]
        message = (await http.get(f"{MAIL_API}/message/{found['ID']}")).json()
        raw = (await http.get(f"{MAIL_API}/message/{found['ID']}/raw")).content
    assert message["MessageID"] == f"{mail.message_id}@{settings.message_id_domain}"
    assert message["Subject"] == mail.subject
    assert message["Text"].replace("\r\n", "\n") == mail.body
    assert message["HTML"].replace("\r\n", "\n") == mail.html
    sent = BytesParser(policy=policy.default).parsebytes(raw)
    assert sent.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in sent.iter_parts()] == ["text/plain", "text/html"]
    assert all(part.get_content_charset() == "utf-8" for part in sent.iter_parts())
