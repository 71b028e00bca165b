"""The notice use case wired as the composition root wires it, over the real servers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_notifier.adapters.mailer import SmtpMailer
from casia_notifier.bootstrap import notifier_over
from casia_notifier.service.delivery import Notifier
from casia_notifier.settings import NotifierSettings
from casia_runtime.mongo import Document

from ..rig import PUBLIC_BASE_URL


@pytest.fixture
def notifier(db: AsyncDatabase[Document]) -> Notifier:
    """Over a database of the test's own and the local stack's SMTP server; receipt notices link
    to the gateway at the address the examples expect."""
    settings = NotifierSettings(max_send_attempts=3, public_base_url=PUBLIC_BASE_URL)
    return notifier_over(
        settings,
        db=db,
        mailer=SmtpMailer(settings),
        on_commit=lambda: None,
        clock=lambda: datetime.now(UTC),
    )
