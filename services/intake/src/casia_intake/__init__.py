"""CASIA intake: the HTTP gateway."""
