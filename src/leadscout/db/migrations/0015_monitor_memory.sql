-- Monitors at scale: a tick costs what changed, and gone is a state with a way back.
--
-- What a candidate's verification read (url and content hash), so a monitor can ask later
-- whether the pages that decided a rejection changed, and the directory profile a candidate was
-- first proposed as (re-keyed to the company's own domain once read).
ALTER TABLE pm_pipeline.discovery_candidates ADD COLUMN IF NOT EXISTS pages jsonb NOT NULL DEFAULT '[]';
ALTER TABLE pm_pipeline.discovery_candidates ADD COLUMN IF NOT EXISTS profile_key text;

-- What a monitor remembers of the candidates it did not deliver: a rejection with the pages that
-- decided it (re-verified only when one of them changed), and a directory profile with the site
-- it links (not read again).
CREATE TABLE pm_pipeline.monitor_candidates (
    monitor_id    uuid NOT NULL REFERENCES pm_pipeline.monitors (id) ON DELETE CASCADE,
    key           text NOT NULL,               -- the candidate's domain, or a directory profile's key
    kind          text NOT NULL CHECK (kind IN ('rejected', 'profile')),
    domain        text NOT NULL,               -- the company's domain (a profile: the site it links)
    name          text NOT NULL,
    website       text NOT NULL,
    reasons       jsonb NOT NULL DEFAULT '[]',
    verdicts      jsonb NOT NULL DEFAULT '[]',
    pages         jsonb NOT NULL DEFAULT '[]',  -- [{url, content_hash}]: the pages that decided it
    run_id        uuid,                         -- the run that decided it
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (monitor_id, key)
);

-- A tick's ordinal within its monitor (rotations and back-off count ticks, not days).
ALTER TABLE pm_pipeline.monitor_runs ADD COLUMN IF NOT EXISTS tick_no integer NOT NULL DEFAULT 0;

-- A delivered company's health: consecutive failed ticks (unreachable only after N), when it
-- started failing, and, once gone, the tick at which it is looked at again (back-off).
ALTER TABLE pm_pipeline.monitor_companies ADD COLUMN IF NOT EXISTS failures integer NOT NULL DEFAULT 0;
ALTER TABLE pm_pipeline.monitor_companies ADD COLUMN IF NOT EXISTS failing_since timestamptz;
ALTER TABLE pm_pipeline.monitor_companies ADD COLUMN IF NOT EXISTS gone_checks integer NOT NULL DEFAULT 0;
ALTER TABLE pm_pipeline.monitor_companies ADD COLUMN IF NOT EXISTS next_check_tick integer NOT NULL DEFAULT 0;
ALTER TABLE pm_pipeline.monitor_companies ADD COLUMN IF NOT EXISTS gone_reason text;
