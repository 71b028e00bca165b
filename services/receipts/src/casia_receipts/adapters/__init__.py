"""Adapters of the receipts service: the only code that imports jinja2, segno or WeasyPrint."""
