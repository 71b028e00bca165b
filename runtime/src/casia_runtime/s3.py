"""S3-compatible object storage (MinIO) through the ``minio`` client."""

from __future__ import annotations

import asyncio

import urllib3
from minio import Minio

from casia_runtime.settings import RuntimeSettings


def make_s3_client(settings: RuntimeSettings) -> Minio:
    return Minio(
        settings.s3_endpoint,
        access_key=settings.s3_access_key,
        secret_key=settings.s3_secret_key.get_secret_value(),
        secure=settings.s3_secure,
        # Few, quick retries: a store that is down should show as "not ready", not hang a request.
        http_client=urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=2.0, read=60.0),
            retries=urllib3.Retry(total=2, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
        ),
    )


async def s3_ready(client: Minio, bucket: str) -> bool:
    """True when the store answers and the bucket exists (the client is blocking: off-loop)."""
    try:
        return await asyncio.to_thread(client.bucket_exists, bucket)
    except Exception:  # readiness reports any failure as "not ready"
        return False
