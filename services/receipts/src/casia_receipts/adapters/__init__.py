"""Adapters of the receipts service: the justificante PDF (jinja2, segno, WeasyPrint)."""
