"""A consumer process for test_consumer_crashes.py (run as a script, not collected by pytest).

It consumes one topic (its one argument) through ``subscribe_guarded`` with the guard a service
gets from ``Connections.guard()``, and dies with ``os._exit`` on a record whose value is
``crash``, as a process that segfaults or is killed by the OOM killer would: no ``except``
clause runs and nothing is acknowledged. Every other record is recorded in the ``handled``
collection. Settings come from the ``CASIA_*`` variables (the service name is the consumer group
and names the dead-letter topic). It stops cleanly on SIGTERM.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from casia_runtime.connections import Connections
from casia_runtime.consumer import subscribe_guarded
from casia_runtime.messages import InboundMessage
from casia_runtime.settings import RuntimeSettings

CRASH = b"crash"
CRASHED = 3
"""The exit status of a crash, told apart from any other way of ending."""


async def main(topic: str) -> None:
    connections = Connections.open(RuntimeSettings())
    handled = connections.db["handled"]

    async def handle(message: InboundMessage) -> None:
        if message.value == CRASH:
            os._exit(CRASHED)
        await handled.update_one({"_id": message.offset}, {"$set": {"value": message.value}}, upsert=True)

    subscribe_guarded(connections.broker, topic, guard=connections.guard(), handler=handle, consumers=1)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await connections.broker.start()
    try:
        await stop.wait()
    finally:
        await connections.broker.stop()
        await connections.mongo.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
