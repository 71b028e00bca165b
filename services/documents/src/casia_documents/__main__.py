"""``casia-documents``: run the documents service on 127.0.0.1:$CASIA_HTTP_PORT."""

from __future__ import annotations

from casia_documents.bootstrap import bootstrap
from casia_documents.settings import DocumentsSettings
from casia_runtime.worker import run_service


def main() -> None:
    run_service(DocumentsSettings(), bootstrap)


if __name__ == "__main__":
    main()
