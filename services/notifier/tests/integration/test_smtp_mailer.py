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
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from typing import Any

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


def mailer_on(port: int, **settings: Any) -> SmtpMailer:
    return SmtpMailer(
        NotifierSettings(smtp_host="127.0.0.1", smtp_port=port, smtp_timeout_seconds=5, **settings)
    )


@dataclass
class Sessions:
    """What a stub server saw: its port, the sessions opened, the mails and QUITs received, and
    the sessions still open (to drop them)."""

    port: int = 0
    opened: int = 0
    mails: int = 0
    quits: int = 0
    open_writers: list[asyncio.StreamWriter] = field(default_factory=list)

    def drop_all(self) -> None:
        """The server closes every open session, as one does after its idle timeout."""
        for writer in self.open_writers:
            writer.close()
        self.open_writers.clear()


@asynccontextmanager
async def smtp_server(*, rcpt: str = OK, data: str = OK) -> AsyncIterator[Sessions]:
    """A minimal SMTP server answering RCPT TO with ``rcpt`` and the message with ``data``."""
    seen = Sessions()

    async def session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        def reply(line: str) -> None:
            writer.write(f"{line}\r\n".encode())

        seen.opened += 1
        seen.open_writers.append(writer)
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
                seen.mails += 1
                reply(data)
            else:
                reply(answers.get(verb, lambda: "502 5.5.2 unknown")())
            await writer.drain()
            if verb == "QUIT":
                seen.quits += 1
                break
        writer.close()

    server = await asyncio.start_server(session, "127.0.0.1", 0)
    seen.port = server.sockets[0].getsockname()[1]
    async with server:
        yield seen


async def test_a_mail_the_server_accepts_is_sent_without_error() -> None:
    async with smtp_server() as server:
        await mailer_on(server.port).send(a_mail())

    assert server.mails == 1


@pytest.mark.parametrize(
    ("rcpt", "data"),
    [("550 5.1.1 no such mailbox", OK), (OK, "554 5.7.1 message refused")],
    ids=["recipient-refused", "message-refused"],
)
async def test_a_5xx_refusal_is_permanent(rcpt: str, data: str) -> None:
    async with smtp_server(rcpt=rcpt, data=data) as server:
        with pytest.raises(PermanentDeliveryError, match=r"^55"):
            await mailer_on(server.port).send(a_mail())


@pytest.mark.parametrize(
    ("rcpt", "data"),
    [("451 4.3.0 try again later", OK), (OK, "452 4.3.1 insufficient storage")],
    ids=["recipient-deferred", "message-deferred"],
)
async def test_a_4xx_reply_is_transient(rcpt: str, data: str) -> None:
    async with smtp_server(rcpt=rcpt, data=data) as server:
        with pytest.raises(Exception) as raised:
            await mailer_on(server.port).send(a_mail())

    assert not isinstance(raised.value, PermanentDeliveryError)


async def test_an_unreachable_server_is_transient() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with pytest.raises(Exception) as raised:
        await mailer_on(port).send(a_mail())

    assert not isinstance(raised.value, PermanentDeliveryError)


async def test_mails_in_a_row_share_one_session_said_goodbye_to_at_close() -> None:
    async with smtp_server() as server:
        mailer = mailer_on(server.port)
        for _ in range(3):
            await mailer.send(a_mail())
        await mailer.close()

    assert (server.opened, server.mails, server.quits) == (1, 3, 1)


async def test_mails_sent_at_once_take_a_session_each_and_keep_as_many_as_allowed() -> None:
    async with smtp_server() as server:
        mailer = mailer_on(server.port, smtp_sessions=2)
        await asyncio.gather(*(mailer.send(a_mail()) for _ in range(3)))
        quits_before_close = server.quits
        await mailer.close()

    assert (server.opened, server.mails) == (3, 3)
    assert (quits_before_close, server.quits) == (1, 3)


async def test_without_kept_sessions_each_mail_has_its_own() -> None:
    async with smtp_server() as server:
        mailer = mailer_on(server.port, smtp_sessions=0)
        for _ in range(2):
            await mailer.send(a_mail())

    assert (server.opened, server.mails, server.quits) == (2, 2, 2)


@pytest.mark.parametrize("noticed", [True, False], ids=["seen-closed", "found-closed-when-sending"])
async def test_a_kept_session_the_server_dropped_is_replaced_for_the_next_mail(noticed: bool) -> None:
    async with smtp_server() as server:
        mailer = mailer_on(server.port)
        await mailer.send(a_mail())
        server.drop_all()
        if noticed:
            await asyncio.sleep(0.05)  # the mailer's side of the session sees the close
        await mailer.send(a_mail())

    assert (server.opened, server.mails) == (2, 2)


async def test_a_kept_session_idle_too_long_is_not_used() -> None:
    async with smtp_server() as server:
        mailer = mailer_on(server.port, smtp_session_idle_seconds=0)
        for _ in range(2):
            await mailer.send(a_mail())

    assert (server.opened, server.mails) == (2, 2)


async def test_a_session_that_failed_is_not_used_again() -> None:
    async with smtp_server(rcpt="451 4.3.0 try again later") as server:
        mailer = mailer_on(server.port)
        for _ in range(2):
            with pytest.raises(Exception, match="451"):
                await mailer.send(a_mail())

    assert server.opened == 2


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
