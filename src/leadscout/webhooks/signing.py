"""Standard Webhooks signatures, made by the ``standardwebhooks`` library: headers
``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` (``v1,<base64 HMAC-SHA256>`` of
``id.timestamp.body``; after a rotation one signature per live secret, space-separated)."""

from __future__ import annotations

import base64
import re
import secrets
from datetime import UTC, datetime

from standardwebhooks import Webhook

from leadscout.errors import UserError

PREFIX = "whsec_"
# whsec_ and padded base64 of at least 16 bytes (five whole quartets, then one more)
SECRET_SHAPE = r"^whsec_([A-Za-z0-9+/]{4}){5,}([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$"


def new_secret() -> str:
    """A fresh secret in the specification's form: whsec_ and 32 random bytes in base64."""
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def check_secret(secret: str) -> str:
    """The secret, when the library can sign with it (whsec_ + base64, at least 16 bytes)."""
    body = secret.removeprefix(PREFIX)
    try:
        raw = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except ValueError:
        raw = b""
    if len(raw) < 16 or re.fullmatch(SECRET_SHAPE, secret) is None:
        raise UserError(
            "a webhook secret is whsec_ followed by at least 16 bytes in base64 "
            "(omit --webhook-secret and leadscout makes one and prints it once)"
        )
    return secret


def headers(message_id: str, body: str, live_secrets: list[str], now: datetime | None = None) -> dict[str, str]:
    """The three headers of one delivery attempt, signed with every live secret."""
    at = (now or datetime.now(UTC)).astimezone(UTC)
    signatures = [Webhook(secret).sign(message_id, at, body) for secret in live_secrets]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
        "content-type": "application/json",
    }
