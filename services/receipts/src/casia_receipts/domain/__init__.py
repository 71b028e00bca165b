"""The receipts domain: pure values (the CEA code, what a justificante shows), no I/O."""
