-- Company research, verified contacts and delivery: dropped companies (research contradicted
-- discovery, or the user gave up on their contacts), email checks, and the notification outbox.
ALTER TABLE pm_pipeline.company_candidates DROP CONSTRAINT company_candidates_status_check;
ALTER TABLE pm_pipeline.company_candidates
    ADD CONSTRAINT company_candidates_status_check
    CHECK (status IN ('validated', 'rejected', 'suppressed', 'dropped'));
ALTER TABLE pm_pipeline.company_candidates ADD COLUMN drop_reason text;

-- The verdict of the mailbox check behind contact_candidates.email_status: reason, the SMTP
-- reply code and text, the MX host and when it was checked.
ALTER TABLE pm_pipeline.contact_candidates ADD COLUMN email_check jsonb;

-- Notifications waiting to be sent. dedupe_key makes writing one idempotent; the sender claims
-- a row before it talks SMTP and sends with a Message-ID derived from the row, so a retry after
-- a crash is recognisable as the same message.
CREATE TABLE pm_pipeline.outbox (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    run_id       uuid REFERENCES pm_pipeline.runs (id) ON DELETE CASCADE,
    kind         text NOT NULL,
    dedupe_key   text NOT NULL UNIQUE,
    recipients   text[] NOT NULL DEFAULT '{}',
    subject      text NOT NULL,
    body         text NOT NULL,
    attachments  jsonb NOT NULL DEFAULT '[]',
    status       text NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'held')),
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz
);
CREATE INDEX outbox_status_idx ON pm_pipeline.outbox (status, created_at);
