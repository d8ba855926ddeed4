-- insert_monitor --
-- A new monitor; its first tick is the schedule's first instant after now
INSERT INTO pm_pipeline.monitors (name, request, criteria, options, cap, cron, next_tick_at, notify, endpoint_id)
VALUES (%(name)s, %(request)s, %(criteria)s, %(options)s, %(cap)s, %(cron)s, %(next_tick_at)s, %(notify)s,
        %(endpoint_id)s)
RETURNING *;

-- get_monitor --
-- One monitor
SELECT * FROM pm_pipeline.monitors WHERE id = %(id)s;

-- list_monitors --
-- Every monitor with its last run and how many companies it watches
SELECT m.*,
       (SELECT count(*) FROM pm_pipeline.monitor_companies c
         WHERE c.monitor_id = m.id AND c.status = 'active') AS watching,
       (SELECT count(*) FROM pm_pipeline.monitor_runs r WHERE r.monitor_id = m.id) AS runs,
       (SELECT max(r.created_at) FROM pm_pipeline.monitor_runs r WHERE r.monitor_id = m.id) AS last_run_at
  FROM pm_pipeline.monitors m
 ORDER BY m.created_at DESC;

-- set_monitor_paused --
-- Pause or resume; a resumed monitor's next tick is the schedule's next instant after now
UPDATE pm_pipeline.monitors
   SET paused = %(paused)s, updated_at = now(),
       next_tick_at = CASE WHEN %(paused)s THEN next_tick_at ELSE %(next_tick_at)s END
 WHERE id = %(id)s
RETURNING *;

-- delete_monitor --
-- Delete a monitor with its runs' records (the runs themselves stay)
DELETE FROM pm_pipeline.monitors WHERE id = %(id)s RETURNING id;

-- due_monitors --
-- Monitors whose tick is due and whose last run is not still working, locked for this scheduler
SELECT m.* FROM pm_pipeline.monitors m
 WHERE NOT m.paused AND m.next_tick_at <= now()
   AND NOT EXISTS (SELECT 1 FROM pm_pipeline.monitor_runs r JOIN pm_pipeline.runs ru ON ru.id = r.run_id
                    WHERE r.monitor_id = m.id AND ru.status = 'active')
 ORDER BY m.next_tick_at
 LIMIT %(limit)s
 FOR UPDATE OF m SKIP LOCKED;

-- take_tick --
-- Move a monitor's schedule past the tick a scheduler saw; no row when another took it first
UPDATE pm_pipeline.monitors SET next_tick_at = %(next_tick_at)s, updated_at = now()
 WHERE id = %(id)s AND next_tick_at = %(due)s AND NOT paused
RETURNING id;

-- insert_monitor_run --
-- The record of one tick and the run it started (once per monitor and instant)
INSERT INTO pm_pipeline.monitor_runs (monitor_id, tick_at, trigger, run_id, tick_no)
VALUES (%(monitor_id)s, %(tick_at)s, %(trigger)s, %(run_id)s, %(tick_no)s)
RETURNING *;

-- next_tick_no --
-- The ordinal the monitor's next tick takes (its first is 1)
SELECT coalesce(max(tick_no), 0) + 1 AS tick_no FROM pm_pipeline.monitor_runs WHERE monitor_id = %(monitor_id)s;

-- monitor_run_of_run --
-- The monitor run a run belongs to
SELECT * FROM pm_pipeline.monitor_runs WHERE run_id = %(run_id)s;

-- lock_monitor_run --
-- One monitor run, locked while it is delivered
SELECT * FROM pm_pipeline.monitor_runs WHERE id = %(id)s FOR UPDATE;

-- list_monitor_runs --
-- A monitor's runs, newest first, with each run's status
SELECT r.*, ru.status AS run_status
  FROM pm_pipeline.monitor_runs r JOIN pm_pipeline.runs ru ON ru.id = r.run_id
 WHERE r.monitor_id = %(monitor_id)s
 ORDER BY r.created_at DESC
 LIMIT %(limit)s;

-- deliver_monitor_run --
-- Record what a monitor run delivered (once)
UPDATE pm_pipeline.monitor_runs SET status = 'delivered', result = %(result)s, delivered_at = now()
 WHERE id = %(id)s AND status = 'running'
RETURNING id;

-- monitor_companies --
-- What a monitor has delivered (all, or one status)
SELECT * FROM pm_pipeline.monitor_companies
 WHERE monitor_id = %(monitor_id)s AND (%(status)s::text IS NULL OR status = %(status)s)
 ORDER BY domain;

-- upsert_monitor_company --
-- A company a monitor delivered, or its new snapshot / status
INSERT INTO pm_pipeline.monitor_companies (monitor_id, domain, name, status, snapshot, first_run_id, last_run_id,
                                           failures, failing_since, gone_checks, next_check_tick, gone_reason)
VALUES (%(monitor_id)s, %(domain)s, %(name)s, %(status)s, %(snapshot)s, %(run_id)s, %(run_id)s,
        %(failures)s, %(failing_since)s, %(gone_checks)s, %(next_check_tick)s, %(gone_reason)s)
ON CONFLICT (monitor_id, domain) DO UPDATE
   SET name = excluded.name, status = excluded.status, snapshot = excluded.snapshot,
       last_run_id = excluded.last_run_id, failures = excluded.failures, failing_since = excluded.failing_since,
       gone_checks = excluded.gone_checks, next_check_tick = excluded.next_check_tick,
       gone_reason = excluded.gone_reason, updated_at = now();

-- monitor_checks --
-- The re-checks a monitor run has done so far
SELECT * FROM pm_pipeline.monitor_checks WHERE monitor_run_id = %(monitor_run_id)s;

-- insert_monitor_check --
-- One delivered company re-checked (kept once: a resumed delivery skips it)
INSERT INTO pm_pipeline.monitor_checks (monitor_run_id, domain, outcome, fetches)
VALUES (%(monitor_run_id)s, %(domain)s, %(outcome)s, %(fetches)s)
ON CONFLICT (monitor_run_id, domain) DO NOTHING;

-- monitor_memory --
-- What a monitor remembers of the candidates it did not deliver
SELECT * FROM pm_pipeline.monitor_candidates WHERE monitor_id = %(monitor_id)s;

-- remember_candidates --
-- After a tick: its rejections (with the pages that decided them) and the directory profiles it
-- read are remembered; a company the tick accepted is no longer a rejection to remember
WITH tick AS (SELECT * FROM pm_pipeline.discovery_candidates WHERE run_id = %(run_id)s),
accepted AS (
    DELETE FROM pm_pipeline.monitor_candidates m
     USING tick t
     WHERE m.monitor_id = %(monitor_id)s AND m.kind = 'rejected' AND m.key = t.domain
       AND t.status IN ('accepted', 'delivered')
),
profiles AS (
    INSERT INTO pm_pipeline.monitor_candidates AS m (monitor_id, key, kind, domain, name, website, run_id)
    SELECT %(monitor_id)s, t.profile_key, 'profile', t.domain, t.name, t.website, %(run_id)s
      FROM tick t WHERE t.profile_key IS NOT NULL
    ON CONFLICT (monitor_id, key) DO UPDATE
       SET domain = excluded.domain, name = excluded.name, website = excluded.website, updated_at = now()
)
INSERT INTO pm_pipeline.monitor_candidates AS m
       (monitor_id, key, kind, domain, name, website, reasons, verdicts, pages, run_id)
SELECT %(monitor_id)s, t.domain, 'rejected', t.domain, t.name, t.website, t.reasons, t.verdicts, t.pages,
       %(run_id)s
  FROM tick t WHERE t.status = 'rejected' AND t.pages <> '[]'::jsonb
ON CONFLICT (monitor_id, key) DO UPDATE
   SET kind = 'rejected', reasons = excluded.reasons, verdicts = excluded.verdicts, pages = excluded.pages,
       run_id = excluded.run_id, updated_at = now()
 WHERE m.pages IS DISTINCT FROM excluded.pages OR m.reasons IS DISTINCT FROM excluded.reasons;
