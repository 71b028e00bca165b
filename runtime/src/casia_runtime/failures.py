"""How a handler tells the shared consumer what went wrong (STYLE.md §7): never, not yet, or
(any other exception) a transient failure to retry."""

from __future__ import annotations


class NotYet(Exception):
    """The message is fine but arrived before what it depends on (e.g. a document outcome before
    its case, which travels on another topic).

    The consumer parks it in MongoDB, acknowledges the record and goes on with the partition; a
    sweeper retries it with growing pauses and dead-letters it once its patience runs out
    (:class:`casia_runtime.sweeper.Patience`, about ten minutes). A parked message may therefore
    be applied after later messages of its key: raise NotYet only for messages whose order
    relative to their key's later messages does not matter.
    """


class PoisonMessage(Exception):
    """The message can never be handled (bad JSON, unknown type, invalid data): dead-lettered at once."""


class AttemptsExhausted(Exception):
    """The message was tried as many times as allowed without an outcome (the process handling it
    stopped each time: a crash, a kill, running out of memory): dead-lettered without another try."""
