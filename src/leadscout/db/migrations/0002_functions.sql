-- Gap, state-transition and worker-registry functions. Race-prone steps live here so
-- that every caller gets the same guarded SQL.

-- The seed's troubleshooting call: SELECT * FROM pm_pipeline.get_pm_company_gap('<run_id>')
CREATE FUNCTION pm_pipeline.get_pm_company_gap(p_run_id uuid)
RETURNS TABLE (run_id uuid, target_quantity integer, companies_ready integer,
               companies_gap integer, batches_done integer)
LANGUAGE sql STABLE AS $$
    SELECT r.id,
           r.target_quantity,
           (SELECT count(*)::int FROM pm_pipeline.company_candidates c
             WHERE c.run_id = r.id AND c.status = 'validated'),
           greatest(r.target_quantity - (SELECT count(*)::int FROM pm_pipeline.company_candidates c
                                          WHERE c.run_id = r.id AND c.status = 'validated'), 0),
           (SELECT count(*)::int FROM pm_pipeline.run_batches b
             WHERE b.run_id = r.id AND b.status = 'done')
      FROM pm_pipeline.runs r
     WHERE r.id = p_run_id
$$;

CREATE VIEW pm_pipeline.v_company_gap AS
    SELECT g.* FROM pm_pipeline.runs r, LATERAL pm_pipeline.get_pm_company_gap(r.id) g;

-- Guarded state transition: succeeds only when the run is still in the expected state,
-- so two workers can never both advance a run. Every success writes a run_events row.
CREATE FUNCTION pm_pipeline.transition_run(
    p_run_id uuid, p_from_stage text, p_from_status text,
    p_to_stage text, p_to_status text, p_event text, p_payload jsonb DEFAULT '{}'
) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    moved integer;
BEGIN
    UPDATE pm_pipeline.runs
       SET stage = p_to_stage,
           status = p_to_status,
           updated_at = now(),
           decision_options = CASE WHEN p_to_status = 'needs_user_decision'
                                   THEN p_payload -> 'options' ELSE NULL END,
           finished_at = CASE WHEN p_to_status IN ('completed', 'failed', 'cancelled')
                              THEN now() ELSE NULL END
     WHERE id = p_run_id AND stage = p_from_stage AND status = p_from_status;
    GET DIAGNOSTICS moved = ROW_COUNT;
    IF moved = 1 THEN
        INSERT INTO pm_pipeline.run_events (run_id, event, payload)
        VALUES (p_run_id, p_event, p_payload || jsonb_build_object(
            'from', jsonb_build_object('stage', p_from_stage, 'status', p_from_status),
            'to', jsonb_build_object('stage', p_to_stage, 'status', p_to_status)));
    END IF;
    RETURN moved = 1;
END;
$$;

-- Worker registry (the seed's migration 003, fixed: jsonb metadata, no self-disabling).
CREATE FUNCTION pm_pipeline.upsert_worker_heartbeat(
    p_worker_id text, p_worker_type text, p_status text DEFAULT 'active',
    p_current_run_id uuid DEFAULT NULL, p_current_task text DEFAULT NULL,
    p_lease_expires_at timestamptz DEFAULT NULL, p_metadata jsonb DEFAULT '{}',
    p_host text DEFAULT NULL, p_pid integer DEFAULT NULL
) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    stop boolean;
BEGIN
    INSERT INTO pm_pipeline.worker_heartbeats AS w
        (worker_id, worker_type, status, current_run_id, current_task, lease_expires_at,
         metadata, host, pid)
    VALUES (p_worker_id, p_worker_type, p_status, p_current_run_id, p_current_task,
            p_lease_expires_at, coalesce(p_metadata, '{}'), p_host, p_pid)
    ON CONFLICT (worker_id) DO UPDATE
       SET last_heartbeat = now(),
           -- a stop request is sticky: a heartbeat never turns a stopping worker active again
           status = CASE WHEN w.stop_requested AND w.status IN ('stopping', 'stopped')
                         THEN w.status ELSE excluded.status END,
           current_run_id = excluded.current_run_id,
           current_task = excluded.current_task,
           lease_expires_at = excluded.lease_expires_at,
           metadata = excluded.metadata,
           host = coalesce(excluded.host, w.host),
           pid = coalesce(excluded.pid, w.pid)
    RETURNING w.stop_requested INTO stop;
    RETURN stop;
END;
$$;

-- Ask a live worker to stop after its current job; it reports 'stopped' when it exits.
CREATE FUNCTION pm_pipeline.request_worker_stop(p_worker_id text) RETURNS boolean
LANGUAGE sql AS $$
    UPDATE pm_pipeline.worker_heartbeats
       SET stop_requested = true,
           status = CASE WHEN status = 'stopped' THEN status ELSE 'stopping' END
     WHERE worker_id = p_worker_id
    RETURNING true
$$;

-- The seed's stop_worker: mark stopped now (the process, if alive, also stops).
CREATE FUNCTION pm_pipeline.stop_worker(p_worker_id text) RETURNS boolean
LANGUAGE sql AS $$
    UPDATE pm_pipeline.worker_heartbeats
       SET status = 'stopped', stop_requested = true, last_heartbeat = now(),
           current_run_id = NULL, current_task = NULL, lease_expires_at = NULL
     WHERE worker_id = p_worker_id
    RETURNING true
$$;

-- Liveness window in seconds: the session setting leadscout.dead_after_seconds, else 300.
CREATE FUNCTION pm_pipeline.dead_after() RETURNS interval
LANGUAGE sql STABLE AS $$
    SELECT make_interval(secs => coalesce(nullif(current_setting('leadscout.dead_after_seconds', true), '')::float8, 300))
$$;

CREATE VIEW pm_pipeline.v_active_workers AS
    SELECT w.*, extract(epoch FROM now() - w.last_heartbeat)::float8 AS seconds_since_heartbeat
      FROM pm_pipeline.worker_heartbeats w
     WHERE w.last_heartbeat > now() - pm_pipeline.dead_after() AND w.status <> 'stopped'
     ORDER BY w.worker_type, w.worker_id;

CREATE VIEW pm_pipeline.v_dead_workers AS
    SELECT w.*, extract(epoch FROM now() - w.last_heartbeat)::float8 AS seconds_since_heartbeat
      FROM pm_pipeline.worker_heartbeats w
     WHERE w.last_heartbeat <= now() - pm_pipeline.dead_after() AND w.status <> 'stopped'
     ORDER BY w.last_heartbeat DESC;

CREATE FUNCTION pm_pipeline.get_worker_stats()
RETURNS TABLE (worker_type text, total_workers integer, active_workers integer,
               idle_workers integer, processing_workers integer, dead_workers integer,
               stopped_workers integer)
LANGUAGE sql STABLE AS $$
    SELECT worker_type,
           count(*)::int,
           count(*) FILTER (WHERE alive AND status IN ('active', 'idle', 'processing', 'stopping'))::int,
           count(*) FILTER (WHERE alive AND status = 'idle')::int,
           count(*) FILTER (WHERE alive AND status = 'processing')::int,
           count(*) FILTER (WHERE NOT alive AND status <> 'stopped')::int,
           count(*) FILTER (WHERE status = 'stopped')::int
      FROM (SELECT w.*, w.last_heartbeat > now() - pm_pipeline.dead_after() AS alive
              FROM pm_pipeline.worker_heartbeats w) s
     GROUP BY worker_type
     ORDER BY worker_type
$$;

CREATE FUNCTION pm_pipeline.cleanup_stale_workers(p_stale_threshold_minutes integer DEFAULT 60)
RETURNS TABLE (worker_id text, worker_type text, last_heartbeat timestamptz)
LANGUAGE sql AS $$
    DELETE FROM pm_pipeline.worker_heartbeats w
     WHERE w.status = 'stopped'
       AND w.last_heartbeat < now() - make_interval(mins => p_stale_threshold_minutes)
    RETURNING w.worker_id, w.worker_type, w.last_heartbeat
$$;
