"""S3-compatible object storage (MinIO) through the ``minio`` client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import BinaryIO, Final

import urllib3
from minio import Minio
from minio.error import S3Error

from casia_runtime.settings import RuntimeSettings

CHUNK_BYTES: Final = 1024 * 1024
PART_BYTES: Final = 5 * 1024 * 1024
"""Multipart uploads in parts of this size (S3's smallest), one at a time: the most an upload
holds in memory at once."""


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


class S3Objects:
    """Objects in the store, off the event loop (the ``minio`` client blocks). Files are copied
    in chunks, never held whole in memory."""

    def __init__(self, client: Minio) -> None:
        self._client = client

    async def fetch(self, bucket: str, key: str, into: BinaryIO, *, max_bytes: int) -> bool:
        """Copy the object into ``into`` (at most ``max_bytes`` + 1 bytes). False if there is none."""
        return await asyncio.to_thread(self._fetch, bucket, key, into, max_bytes)

    async def put(self, bucket: str, key: str, source: BinaryIO, *, size: int, content_type: str) -> None:
        """Write ``size`` bytes of ``source``, from its start, as the object (overwriting it)."""
        source.seek(0)
        await asyncio.to_thread(
            self._client.put_object,
            bucket,
            key,
            source,
            size,
            content_type=content_type,
            part_size=PART_BYTES,
            num_parallel_uploads=1,
        )

    async def remove(self, bucket: str, key: str) -> None:
        """Delete the object; nothing happens if there is none."""
        await asyncio.to_thread(self._client.remove_object, bucket, key)

    async def keys_older_than(self, bucket: str, moment: datetime, *, prefix: str = "") -> list[str]:
        """The keys (under ``prefix``) of the bucket's objects last written before ``moment``."""

        def listed() -> list[str]:
            return [
                str(o.object_name)
                for o in self._client.list_objects(bucket, prefix=prefix, recursive=True)
                if o.last_modified is not None and o.last_modified < moment
            ]

        return await asyncio.to_thread(listed)

    async def stream(self, bucket: str, key: str) -> AsyncIterator[bytes]:
        """The object's bytes, chunk by chunk, each read off the event loop."""
        response = await asyncio.to_thread(self._client.get_object, bucket, key)
        try:
            chunks = response.stream(CHUNK_BYTES)
            while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
                yield chunk
        finally:
            response.close()
            response.release_conn()

    def _fetch(self, bucket: str, key: str, into: BinaryIO, max_bytes: int) -> bool:
        try:
            response = self._client.get_object(bucket, key)
        except S3Error as error:
            if error.code == "NoSuchKey":
                return False
            raise
        try:
            copied = 0
            for chunk in response.stream(CHUNK_BYTES):
                into.write(chunk)
                copied += len(chunk)
                if copied > max_bytes:
                    break
            return True
        finally:
            response.close()
            response.release_conn()
