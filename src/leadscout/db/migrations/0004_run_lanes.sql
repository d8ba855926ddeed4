-- Run lanes: RUN_FILTER_ID pins a run to the workers started for it. A pinned run's jobs
-- live on '<queue>@r<12 hex>' queues that only those workers listen to. Unpinning (when
-- the pinning worker stops or dies) moves the waiting jobs back to the shared queues.
-- Lanes are 'r' + 12 hex digits of the run id.
ALTER TABLE pm_pipeline.runs ADD COLUMN lane text, ADD COLUMN pinned_by text;

CREATE INDEX procrastinate_jobs_run_id_idx ON procrastinate_jobs ((args ->> 'run_id'))
    WHERE status IN ('todo', 'doing');

CREATE FUNCTION pm_pipeline.pin_run(p_run_id uuid, p_worker_id text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    -- short: procrastinate NOTIFYs on 'procrastinate_queue_v1#<queue>', and channel names stop at 63 bytes
    v_lane text := 'r' || left(replace(p_run_id::text, '-', ''), 12);
BEGIN
    UPDATE pm_pipeline.runs SET lane = v_lane, pinned_by = p_worker_id WHERE id = p_run_id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    UPDATE procrastinate_jobs SET queue_name = split_part(queue_name, '@', 1) || '@' || v_lane
     WHERE status = 'todo' AND args ->> 'run_id' = p_run_id::text;
    INSERT INTO pm_pipeline.run_events (run_id, event, payload)
    VALUES (p_run_id, 'run_pinned', jsonb_build_object('worker_id', p_worker_id));
    RETURN v_lane;
END;
$$;

CREATE FUNCTION pm_pipeline.unpin_run(p_run_id uuid, p_worker_id text DEFAULT NULL) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE pm_pipeline.runs SET lane = NULL, pinned_by = NULL
     WHERE id = p_run_id AND lane IS NOT NULL AND (p_worker_id IS NULL OR pinned_by = p_worker_id);
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    UPDATE procrastinate_jobs SET queue_name = split_part(queue_name, '@', 1)
     WHERE status = 'todo' AND args ->> 'run_id' = p_run_id::text AND queue_name LIKE '%@%';
    INSERT INTO pm_pipeline.run_events (run_id, event, payload)
    VALUES (p_run_id, 'run_unpinned', jsonb_build_object('worker_id', p_worker_id));
    RETURN true;
END;
$$;

-- Runs pinned by a worker that stopped or died go back to the shared queues.
CREATE FUNCTION pm_pipeline.unpin_orphaned_runs() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    n integer := 0;
BEGIN
    FOR r IN SELECT id FROM pm_pipeline.runs
              WHERE lane IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM pm_pipeline.worker_heartbeats w
                                 WHERE w.worker_id = runs.pinned_by AND w.status <> 'stopped'
                                   AND w.last_heartbeat > now() - pm_pipeline.dead_after()) LOOP
        PERFORM pm_pipeline.unpin_run(r.id);
        n := n + 1;
    END LOOP;
    RETURN n;
END;
$$;
