"""Standard Webhooks signatures, checked with the standardwebhooks library a receiver would use."""

from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from leadscout.errors import PermanentError, UserError
from leadscout.webhooks import signing
from leadscout.webhooks.targets import allowed_hosts, check_target, check_url

BODY = '{"data":{"run_id":"r1"},"type":"run.completed"}'


def test_a_signed_delivery_verifies_with_the_library() -> None:
    secret = signing.new_secret()
    headers = signing.headers("msg_1", BODY, [secret])
    assert set(headers) >= {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert Webhook(secret).verify(BODY, headers) == {"data": {"run_id": "r1"}, "type": "run.completed"}


def test_a_tampered_body_or_another_secret_is_rejected() -> None:
    secret = signing.new_secret()
    headers = signing.headers("msg_1", BODY, [secret])
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace("r1", "r2"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(BODY, headers)
    forged = {**headers, "webhook-id": "msg_2"}  # the id is signed too
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY, forged)


def test_a_replayed_old_timestamp_is_rejected() -> None:
    secret = signing.new_secret()
    old = signing.headers("msg_1", BODY, [secret], now=datetime.now(UTC) - timedelta(minutes=10))
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(BODY, old)


def test_during_a_rotation_both_secrets_verify() -> None:
    old_secret, new_secret = signing.new_secret(), signing.new_secret()
    headers = signing.headers("msg_1", BODY, [new_secret, old_secret])
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (old_secret, new_secret):
        Webhook(secret).verify(BODY, headers)


@pytest.mark.parametrize("bad", ["hunter2", "whsec_", "whsec_c2hvcnQ=", "sk_live_" + "A" * 40])
def test_a_weak_or_malformed_secret_is_refused_with_what_to_do(bad: str) -> None:
    with pytest.raises(UserError, match="whsec_"):
        signing.check_secret(bad)


@pytest.mark.parametrize("bad", ["ftp://example.com/x", "example.com/hooks", "https://user:pw@example.com/h", ""])
def test_a_webhook_url_must_be_plain_http_or_https(bad: str) -> None:
    with pytest.raises(UserError):
        check_url(bad)


async def test_private_and_loopback_targets_are_refused_unless_allowed() -> None:
    for url in ("http://127.0.0.1:9/h", "http://localhost/h", "http://169.254.169.254/latest", "http://10.0.0.8/h"):
        with pytest.raises(PermanentError, match="LEADSCOUT_WEBHOOK_ALLOW_HOSTS"):
            await check_target(url, frozenset())
    await check_target("http://127.0.0.1:9/h", allowed_hosts(" 127.0.0.1 , hooks.internal"))
