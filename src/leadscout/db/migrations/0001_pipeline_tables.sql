-- leadscout pm_pipeline schema: runs, batches (checkpoints), companies, research,
-- contacts, suppression, worker registry, event log, research directory.
CREATE SCHEMA IF NOT EXISTS pm_pipeline;

CREATE TABLE pm_pipeline.runs (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    criteria         jsonb NOT NULL,
    target_quantity  integer NOT NULL CHECK (target_quantity BETWEEN 1 AND 1000),
    contacts_min     integer NOT NULL DEFAULT 1 CHECK (contacts_min >= 0),
    contacts_max     integer NOT NULL DEFAULT 3 CHECK (contacts_max >= 1),
    batch_size       integer NOT NULL DEFAULT 10 CHECK (batch_size BETWEEN 1 AND 1000),
    stage            text NOT NULL DEFAULT 'company_discovery'
                     CHECK (stage IN ('company_discovery', 'company_research', 'contact_discovery', 'done')),
    status           text NOT NULL DEFAULT 'active'
                     CHECK (status IN ('active', 'needs_user_decision', 'completed', 'failed', 'cancelled')),
    decision_options jsonb,
    notes            text,
    finished_at      timestamptz,
    CONSTRAINT contacts_range CHECK (contacts_min <= contacts_max),
    -- a run is completed only when its stage is done (rv_agentic marked runs completed after discovery)
    CONSTRAINT completed_means_done CHECK (status <> 'completed' OR stage = 'done')
);
CREATE INDEX runs_status_idx ON pm_pipeline.runs (status, created_at DESC);
CREATE INDEX runs_created_idx ON pm_pipeline.runs (created_at DESC);

-- One row per discovery batch: the checkpoint record. A batch is 'running' while a
-- worker holds it and 'done' once its companies are committed in the same transaction.
CREATE TABLE pm_pipeline.run_batches (
    id           bigserial PRIMARY KEY,
    run_id       uuid NOT NULL REFERENCES pm_pipeline.runs (id) ON DELETE CASCADE,
    batch_no     integer NOT NULL CHECK (batch_no >= 1),
    requested    integer NOT NULL CHECK (requested >= 1),
    found        integer NOT NULL DEFAULT 0,
    status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done')),
    worker_id    text,
    attempts     integer NOT NULL DEFAULT 1,
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    UNIQUE (run_id, batch_no)
);

CREATE TABLE pm_pipeline.company_candidates (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    run_id            uuid NOT NULL REFERENCES pm_pipeline.runs (id) ON DELETE CASCADE,
    batch_no          integer,
    name              text NOT NULL,
    domain            text NOT NULL CHECK (domain = lower(domain) AND domain <> ''),
    website           text,
    city              text,
    state             text,
    pms               text,
    units_estimate    integer,
    company_type      text,
    discovery_source  text NOT NULL,
    evidence          jsonb NOT NULL DEFAULT '[]',
    fit_score         numeric,
    status            text NOT NULL DEFAULT 'validated'
                      CHECK (status IN ('validated', 'rejected', 'suppressed')),
    research_status   text NOT NULL DEFAULT 'pending'
                      CHECK (research_status IN ('pending', 'done', 'failed')),
    contacts_status   text NOT NULL DEFAULT 'pending'
                      CHECK (contacts_status IN ('pending', 'done', 'short')),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX company_candidates_run_domain_uq
    ON pm_pipeline.company_candidates (run_id, lower(domain));
CREATE INDEX company_candidates_run_status_idx
    ON pm_pipeline.company_candidates (run_id, status, created_at);

CREATE TABLE pm_pipeline.company_research (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    run_id      uuid NOT NULL REFERENCES pm_pipeline.runs (id) ON DELETE CASCADE,
    company_id  uuid NOT NULL REFERENCES pm_pipeline.company_candidates (id) ON DELETE CASCADE,
    facts       jsonb NOT NULL DEFAULT '{}',
    signals     jsonb NOT NULL DEFAULT '{}',
    status      text NOT NULL DEFAULT 'complete',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (run_id, company_id)
);

CREATE TABLE pm_pipeline.contact_candidates (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    run_id        uuid NOT NULL REFERENCES pm_pipeline.runs (id) ON DELETE CASCADE,
    company_id    uuid NOT NULL REFERENCES pm_pipeline.company_candidates (id) ON DELETE CASCADE,
    full_name     text NOT NULL,
    title         text,
    seniority     integer,
    email         text,
    email_status  text,
    email_source  text,
    linkedin_url  text,
    phone         text,
    evidence      jsonb NOT NULL DEFAULT '[]',
    source        text NOT NULL,
    status        text NOT NULL DEFAULT 'validated',
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX contact_candidates_name_uq
    ON pm_pipeline.contact_candidates (company_id, lower(full_name));
CREATE UNIQUE INDEX contact_candidates_email_uq
    ON pm_pipeline.contact_candidates (company_id, lower(email)) WHERE email IS NOT NULL;
CREATE INDEX contact_candidates_run_idx ON pm_pipeline.contact_candidates (run_id);

CREATE TABLE pm_pipeline.blocked_domains (
    domain      text PRIMARY KEY CHECK (domain = lower(domain) AND domain <> ''),
    reason      text NOT NULL DEFAULT 'manual',
    source      text NOT NULL DEFAULT 'cli',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE pm_pipeline.worker_heartbeats (
    worker_id         text PRIMARY KEY,
    worker_type       text NOT NULL
                      CHECK (worker_type IN ('lead_list', 'company_research', 'contact_research', 'all')),
    host              text,
    pid               integer,
    status            text NOT NULL DEFAULT 'active'
                      CHECK (status IN ('active', 'idle', 'processing', 'stopping', 'stopped')),
    current_run_id    uuid,
    current_task      text,
    lease_expires_at  timestamptz,
    started_at        timestamptz NOT NULL DEFAULT now(),
    last_heartbeat    timestamptz NOT NULL DEFAULT now(),
    stop_requested    boolean NOT NULL DEFAULT false,
    metadata          jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX worker_heartbeats_last_idx ON pm_pipeline.worker_heartbeats (last_heartbeat);
CREATE INDEX worker_heartbeats_type_idx ON pm_pipeline.worker_heartbeats (worker_type);

-- Append-only audit and event log; id is monotonically increasing so clients resume streams.
CREATE TABLE pm_pipeline.run_events (
    id           bigserial PRIMARY KEY,
    run_id       uuid REFERENCES pm_pipeline.runs (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    event        text NOT NULL,
    entity_type  text NOT NULL DEFAULT 'run',
    entity_id    text,
    payload      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX run_events_run_idx ON pm_pipeline.run_events (run_id, id);

-- The research directory: companies leadscout already knows (rv_agentic's research DB).
CREATE TABLE pm_pipeline.directory_companies (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL,
    domain       text NOT NULL CHECK (domain = lower(domain) AND domain <> ''),
    website      text,
    city         text,
    state        text,
    pms          text,
    units        integer,
    source       text NOT NULL,
    imported_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX directory_companies_domain_uq ON pm_pipeline.directory_companies (domain);
CREATE INDEX directory_companies_geo_idx ON pm_pipeline.directory_companies (state, lower(city));

CREATE TABLE pm_pipeline.directory_contacts (
    id           bigserial PRIMARY KEY,
    domain       text NOT NULL,
    full_name    text NOT NULL,
    title        text,
    email        text,
    source       text NOT NULL,
    imported_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX directory_contacts_uq ON pm_pipeline.directory_contacts (domain, lower(full_name));
