"""S3-compatible object storage (MinIO) through the ``minio`` client."""

from __future__ import annotations

import asyncio

from minio import Minio

from casia_runtime.settings import RuntimeSettings


def make_s3_client(settings: RuntimeSettings) -> Minio:
    return Minio(
        settings.s3_endpoint,
        access_key=settings.s3_access_key,
        secret_key=settings.s3_secret_key.get_secret_value(),
        secure=settings.s3_secure,
    )


async def s3_ready(client: Minio, bucket: str) -> bool:
    """True when the store answers and the bucket exists (the client is blocking: off-loop)."""
    try:
        return await asyncio.to_thread(client.bucket_exists, bucket)
    except Exception:  # readiness reports any failure as "not ready"
        return False
