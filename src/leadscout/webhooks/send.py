"""One delivery attempt of one webhook event: claim the outbox row, check the target, sign, POST.

A 2xx answer settles it as sent. A timeout, a connection error, a 429 or any other answer is
transient (the job retries with backoff); a refused target or 410 Gone is final. Nothing logged
or stored here carries the secret: errors name the URL and the status only."""

from __future__ import annotations

from uuid import UUID

import httpx

from leadscout.db.store import Store
from leadscout.errors import PermanentError, TransientError
from leadscout.webhooks import signing
from leadscout.webhooks.targets import check_target


async def send_webhook(
    store: Store, client: httpx.AsyncClient, message_id: UUID, *, allow: frozenset[str], timeout: float
) -> str:
    message = await store.claim_outbox(message_id)
    if message is None:
        return "skipped: already sent or settled"
    endpoint = await store.webhook_secrets(message.endpoint_id) if message.endpoint_id else None
    if endpoint is None:
        await store.settle_outbox(message.id, "failed", "the webhook endpoint no longer exists")
        raise PermanentError(f"webhook {message.id}: its endpoint was deleted")
    url = str(endpoint["url"])
    try:
        await check_target(url, allow)
    except PermanentError as exc:
        await store.settle_outbox(message.id, "failed", str(exc)[:500])
        raise
    live = [s for s in (endpoint["secret"], endpoint["previous_secret"]) if s]
    headers = signing.headers(f"msg_{message.id}", message.body, live)
    try:
        response = await client.post(url, content=message.body.encode(), headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        await store.settle_outbox(message.id, "pending", f"{type(exc).__name__} from {url}"[:500])
        raise TransientError(f"webhook {message.id}: {type(exc).__name__} from {url}") from None
    if response.is_success:
        await store.settle_outbox(message.id, "sent")
        return f"sent {message.kind} {message.id} to {url}"
    error = f"HTTP {response.status_code} from {url}"
    if response.status_code == 410:  # the receiver says this endpoint is gone for good
        await store.settle_outbox(message.id, "failed", error)
        raise PermanentError(f"webhook {message.id}: {error}")
    await store.settle_outbox(message.id, "pending", error)
    raise TransientError(f"webhook {message.id}: {error}")
