"""Settings of the notifier (``CASIA_*`` environment variables)."""

from __future__ import annotations

from pydantic import Field

from casia_runtime.settings import RuntimeSettings


class NotifierSettings(RuntimeSettings):
    service_name: str = "notifier"
    http_port: int = 8004
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    """Bound of one whole SMTP transaction (connecting to the server's reply to the message),
    and of each reply within it."""
    smtp_sessions: int = Field(default=4, ge=0)
    """SMTP sessions kept open between mails (0: one session per mail). Mails of different
    partitions are sent at once, each on a session of its own."""
    smtp_session_idle_seconds: float = Field(default=30.0, ge=0)
    """How long a kept session may wait for its next mail: well below the idle timeouts of
    mail servers (Postfix's is 300 s), so a kept session is rarely found dropped."""
    mail_from: str = "CASIA - Seguridad Social <no-reply@casia.local>"
    message_id_domain: str = "casia.local"
    max_send_attempts: int = Field(default=150, ge=1)
    """After this many failed SMTP attempts a notice is recorded as failed (and reported). Each
    failure is retried by redelivery after the consumer's pause, which grows to 5 s: 150 attempts
    ride out an SMTP server down for about ten minutes, in order and without losing a notice
    (five did not outlast a 30 s restart). Meanwhile the partition waits: every notice behind
    this one would fail the same way."""
    timezone: str = "Europe/Madrid"
    public_base_url: str = "http://127.0.0.1:8000"
    """Where people reach the gateway: a receipt notice links to its verification page there
    (``/v1/receipts/verify/{cea}``) and to its PDF (``.../pdf``), as the receipt itself does."""

    @property
    def claim_lease_seconds(self) -> float:
        """How long a consumer's claim to send a notice holds. A send ends within
        ``smtp_timeout_seconds`` (and a second for the goodbye); twice that leaves as much again
        for the mark written right after, and for clocks of different hosts that disagree."""
        return 2 * self.smtp_timeout_seconds
