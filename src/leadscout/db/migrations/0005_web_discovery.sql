-- Web discovery: the query plan's progress, every candidate with its verdicts (accepted or
-- why rejected), per-criterion verdicts on delivered companies, run options, and the
-- content-addressed page cache (record and replay).
ALTER TABLE pm_pipeline.runs ADD COLUMN options jsonb NOT NULL DEFAULT '{}';
ALTER TABLE pm_pipeline.company_candidates ADD COLUMN verdicts jsonb NOT NULL DEFAULT '[]';

CREATE TABLE pm_pipeline.run_queries (
    run_id      uuid NOT NULL REFERENCES pm_pipeline.runs (id) ON DELETE CASCADE,
    position    integer NOT NULL,
    query       text NOT NULL,
    page        integer NOT NULL DEFAULT 1,
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    results     integer,
    provider    text,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, position)
);

CREATE TABLE pm_pipeline.discovery_candidates (
    run_id      uuid NOT NULL REFERENCES pm_pipeline.runs (id) ON DELETE CASCADE,
    domain      text NOT NULL,
    name        text NOT NULL,
    website     text NOT NULL,
    found_via   text NOT NULL,
    status      text NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'accepted', 'rejected', 'suppressed', 'duplicate', 'delivered')),
    reasons     jsonb NOT NULL DEFAULT '[]',
    verdicts    jsonb NOT NULL DEFAULT '[]',
    company     jsonb,
    fetches     integer NOT NULL DEFAULT 0,
    retries     integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, domain)
);
CREATE INDEX discovery_candidates_status_idx ON pm_pipeline.discovery_candidates (run_id, status, created_at);

CREATE TABLE pm_pipeline.page_bodies (
    content_hash  text PRIMARY KEY,
    body          text NOT NULL
);

CREATE TABLE pm_pipeline.page_cache (
    url           text PRIMARY KEY,
    final_url     text NOT NULL,
    status        integer,
    content_type  text,
    error         text,
    truncated     boolean NOT NULL DEFAULT false,
    content_hash  text REFERENCES pm_pipeline.page_bodies (content_hash),
    fetched_at    timestamptz NOT NULL DEFAULT now()
);
