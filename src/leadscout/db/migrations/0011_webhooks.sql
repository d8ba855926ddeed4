-- Webhook endpoints (Standard Webhooks): a URL and the secret that signs what is sent to it. The
-- secret lives only here, never in runs.options, so no API response, run event or export can show
-- it. Rotating it keeps the previous secret signing too (receivers switch over without a gap)
-- until the next rotation.
CREATE TABLE pm_pipeline.webhook_endpoints (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    url             text NOT NULL,
    secret          text NOT NULL,
    previous_secret text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    rotated_at      timestamptz
);

-- A webhook event is an outbox row like an email: written once (dedupe_key) in the transaction of
-- the run's move, its body the exact JSON that is signed and sent on every attempt, its id the
-- stable webhook-id receivers deduplicate on.
ALTER TABLE pm_pipeline.outbox
    ADD COLUMN endpoint_id uuid REFERENCES pm_pipeline.webhook_endpoints (id) ON DELETE SET NULL;
