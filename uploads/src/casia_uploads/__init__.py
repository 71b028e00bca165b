"""Which files a case accepts, and the checks every uploaded file must pass."""
