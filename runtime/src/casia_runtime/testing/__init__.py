"""Test support shipped with the runtime, so no service copies it.

- :mod:`~casia_runtime.testing.kafka`: :func:`read_until`, a topic read as an outside subscriber,
  and :func:`event_ids_by_subject`, the ids each case was announced with;
  ``own_topics`` and ``unique_name``, topics of a test's own (the broker creates none by itself);
- :mod:`~casia_runtime.testing.waiting`: ``eventually``, waiting for a condition that lives in
  the database, the broker or another process;
- :mod:`~casia_runtime.testing.clock`: :class:`ManualClock`, time the test controls;
- :mod:`~casia_runtime.testing.memory`: the in-memory Transactions, Inbox, OutboxWriter and
  Publisher fakes that a service's fakes build on;
- :mod:`~casia_runtime.testing.mongo`: a throwaway MongoDB database and the relay's view of an
  outbox;
- :mod:`~casia_runtime.testing.messages`: a contract message as a consumer reads it;
- :mod:`~casia_runtime.testing.contracts`: the contract of :mod:`casia_runtime.ports`, which each
  service's contract suite runs against its fake and its MongoDB adapter.

Nothing here imports pytest: the contracts are plain ``test_*`` methods that pytest collects in a
service's ``Test*`` subclass.
"""

from casia_runtime.testing.kafka import event_ids_by_subject, read_until

__all__ = ["event_ids_by_subject", "read_until"]
