-- Monitors: a saved request that re-runs on a schedule and delivers only what changed.
--
-- The schedule is a row claimed in SQL: a tick is taken by moving next_tick_at from the instant a
-- scheduler saw to the next one after now (a guarded UPDATE: two schedulers cannot both win),
-- together with the monitor run it starts, in one transaction. Ticks missed while every worker
-- was down collapse into one: the next instant is computed from now, not from the missed one.
CREATE TABLE pm_pipeline.monitors (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name          text NOT NULL,
    request       jsonb NOT NULL,              -- what the user asked (a Launch, without any secret)
    criteria      jsonb NOT NULL,              -- as understood; its quantity is the per-run cap
    options       jsonb NOT NULL,              -- the runs' options (sources, strategy, sandbox, webhook id)
    cap           integer CHECK (cap IS NULL OR cap BETWEEN 1 AND 1000),  -- -n: new companies per run
    cron          text NOT NULL,
    next_tick_at  timestamptz NOT NULL,
    paused        boolean NOT NULL DEFAULT false,
    notify        text[] NOT NULL DEFAULT '{}',
    endpoint_id   uuid REFERENCES pm_pipeline.webhook_endpoints (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX monitors_due_idx ON pm_pipeline.monitors (next_tick_at) WHERE NOT paused;

-- One row per tick: the run it started and, once delivered, what it delivered. A tick instant is
-- unique per monitor, so a scheduler that retries after a crash cannot start a second run for it.
CREATE TABLE pm_pipeline.monitor_runs (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    monitor_id    uuid NOT NULL REFERENCES pm_pipeline.monitors (id) ON DELETE CASCADE,
    tick_at       timestamptz NOT NULL,
    trigger       text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
    run_id        uuid NOT NULL REFERENCES pm_pipeline.runs (id) ON DELETE CASCADE,
    status        text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'delivered')),
    result        jsonb,                       -- {new, gone, changed, fetches, known}
    created_at    timestamptz NOT NULL DEFAULT now(),
    delivered_at  timestamptz,
    UNIQUE (monitor_id, tick_at),
    UNIQUE (run_id)
);
CREATE INDEX monitor_runs_monitor_idx ON pm_pipeline.monitor_runs (monitor_id, created_at DESC);

-- What a monitor has delivered: one row per company (registrable domain), with the snapshot the
-- next runs compare against (facts, contacts, and the pages watched with their hashes).
CREATE TABLE pm_pipeline.monitor_companies (
    monitor_id    uuid NOT NULL REFERENCES pm_pipeline.monitors (id) ON DELETE CASCADE,
    domain        text NOT NULL,
    name          text NOT NULL,
    status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'gone')),
    snapshot      jsonb NOT NULL,
    first_run_id  uuid,
    last_run_id   uuid,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (monitor_id, domain)
);

-- The re-check of one delivered company in one monitor run, kept as it is done: a delivery job
-- that dies half-way resumes with the companies it has not checked yet (no page asked twice).
CREATE TABLE pm_pipeline.monitor_checks (
    monitor_run_id uuid NOT NULL REFERENCES pm_pipeline.monitor_runs (id) ON DELETE CASCADE,
    domain         text NOT NULL,
    outcome        jsonb NOT NULL,
    fetches        integer NOT NULL DEFAULT 0,
    checked_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (monitor_run_id, domain)
);

