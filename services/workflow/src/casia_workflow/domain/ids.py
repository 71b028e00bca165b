"""Identifiers of the case domain: distinct types so that one is never passed for another.

All of them are allocated outside the domain (intake allocates case numbers, the documents service
names documents); the domain only carries them.
"""

from typing import NewType

CaseNumber = NewType("CaseNumber", str)
"""Human-readable, unique case number, allocated atomically by intake."""

AuthorizationNumber = NewType("AuthorizationNumber", str)
"""Number of a RED authorization (the autorizado acts on its behalf)."""

DocumentId = NewType("DocumentId", str)
"""Id of one uploaded document, shared with the documents service."""

Nif = NewType("Nif", str)
"""Spanish tax id of a person or company (NIF/NIE/CIF), already validated by intake."""
