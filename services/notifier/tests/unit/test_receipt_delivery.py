"""A receipt issued becomes a notice through the same use case as a case event: to the
authorization's contact, once, skipped without consent, each outcome reported and keyed by case."""

from __future__ import annotations

import json
import uuid

import pytest

from casia_contracts.receipts import ReceiptKind
from casia_notifier.service.ports import DeliveryStatus

from ..fakes import MailServerDown
from ..messages import as_received, issued, new_authorization
from ..rig import PUBLIC_BASE_URL, Rig


@pytest.fixture
def rig() -> Rig:
    return Rig()


async def test_a_receipt_is_mailed_to_the_contact_with_its_cea_link_and_documents(rig: Rig) -> None:
    receipt = issued(rig.contact(email="ana@gestoria.es"), documents=2)

    await rig.receive(receipt)

    [mail] = rig.mailer.sent
    assert mail.recipient == "ana@gestoria.es"
    assert mail.subject == f"CASIA: Justificante de solicitud de trámite del caso {receipt.case_number}"
    page = f"{PUBLIC_BASE_URL}/v1/receipts/verify/{receipt.cea}"
    for part in (mail.body, mail.html):
        assert receipt.cea in part and page in part and f"{page}/pdf" in part
        assert all(d.sha256 and d.sha256 in part and d.title in part for d in receipt.documents)
    assert "02/03/2026 10:30:00 (hora peninsular)" in mail.body  # 09:30 UTC in Madrid (CET)


async def test_the_receipt_notice_is_reported_as_caused_by_the_receipt_and_keyed_by_the_case(
    rig: Rig,
) -> None:
    receipt = issued(rig.contact(), kind=ReceiptKind.DOCUMENTACION_COMPLEMENTARIA)

    message = await rig.receive(receipt)

    cause = json.loads(message.value)
    report = rig.report()
    assert report["type"] == "es.casia.notification.sent"
    assert report["causationid"] == cause["id"]
    assert report["data"]["notification_id"] == f"{cause['id']}|receipt_issued"
    assert (report["data"]["cause_event_type"], report["data"]["template"]) == (
        "es.casia.receipt.issued",
        "receipt_issued",
    )
    assert report["data"]["case_number"] == receipt.case_number
    assert rig.store.outbox[0].key == receipt.case_number
    row = rig.row()
    assert (row.status, row.attempts, row.notice.authorization_number) == (
        DeliveryStatus.SENT,
        1,
        receipt.authorization_number,
    )


async def test_a_redelivered_receipt_sends_one_mail(rig: Rig) -> None:
    message = as_received(issued(rig.contact()))

    await rig.notifier.handle(message)
    await rig.notifier.handle(message)

    assert len(rig.mailer.tried) == 1
    assert len(rig.store.outbox) == 1
    assert rig.row().attempts == 1
    assert rig.commits == [1]


async def test_a_receipt_resent_after_a_transient_failure_carries_the_same_message_id(rig: Rig) -> None:
    message = as_received(issued(rig.contact()), event_id=str(uuid.uuid4()))
    rig.mailer.fail_transiently(1)
    with pytest.raises(MailServerDown):
        await rig.notifier.handle(message)

    await rig.notifier.handle(message)

    first, second = rig.mailer.tried
    assert first == second
    assert (len(rig.mailer.sent), rig.row().status) == (1, DeliveryStatus.SENT)


async def test_without_consent_the_receipt_notice_is_skipped_and_no_mail_is_sent(rig: Rig) -> None:
    await rig.receive(issued(rig.contact(email="ana@gestoria.es", consent=False)))

    assert rig.mailer.tried == []
    report = rig.report()
    assert report["type"] == "es.casia.notification.skipped"
    assert (report["data"]["reason_code"], report["data"]["template"]) == ("no_consent", "receipt_issued")
    assert (rig.row().status, rig.row().attempts) == (DeliveryStatus.SKIPPED, 0)


async def test_without_a_contact_the_receipt_notice_is_skipped_as_no_contact(rig: Rig) -> None:
    await rig.receive(issued(new_authorization()))

    assert rig.mailer.tried == []
    assert rig.report()["data"]["reason_code"] == "no_contact"
