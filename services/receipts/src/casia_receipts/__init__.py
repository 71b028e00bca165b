"""CASIA receipts: justificante PDFs and CEA verification."""
