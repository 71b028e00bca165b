"""The stored documents' round trip: what a writer stores is what a reader gets back."""

from __future__ import annotations

from datetime import UTC, datetime

from casia_read_models import StoredContact

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_a_document_is_stored_under_its_key_and_read_back_the_same() -> None:
    contact = StoredContact(
        authorization_number="1234567", email="a@b.es", consent=True, updated_at=AT, updated_by="X"
    )

    stored = contact.to_document()

    assert stored["_id"] == "1234567"
    assert StoredContact.from_document(stored) == contact


def test_a_reader_takes_the_key_from_the_id_and_ignores_fields_it_does_not_know() -> None:
    read = StoredContact.from_document({"_id": "1234567", "email": None, "consent": False, "newer_field": 1})

    assert read == StoredContact(authorization_number="1234567", email=None, consent=False)
