-- A job waiting on a lock (a run's next discovery batch) gets no NOTIFY when the lock frees:
-- procrastinate notifies only on INSERT. Without this, workers must poll briskly (5 queries a
-- second each, most of a run's database load). When a job that held a lock ends, tell the
-- queues of the jobs that wait on it, with procrastinate's own channel and payload.
CREATE FUNCTION pm_pipeline.notify_lock_freed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    waiting record;
BEGIN
    FOR waiting IN
        SELECT DISTINCT ON (queue_name) id, queue_name FROM procrastinate_jobs
         WHERE lock = OLD.lock AND status = 'todo' AND id <> OLD.id
         ORDER BY queue_name, id
    LOOP
        PERFORM pg_notify('procrastinate_queue_v1#' || waiting.queue_name,
                          json_build_object('type', 'job_inserted', 'job_id', waiting.id)::text);
        PERFORM pg_notify('procrastinate_any_queue_v1',
                          json_build_object('type', 'job_inserted', 'job_id', waiting.id)::text);
    END LOOP;
    RETURN NULL;
END;
$$;

CREATE TRIGGER leadscout_notify_lock_freed
    AFTER UPDATE OF status ON procrastinate_jobs
    FOR EACH ROW WHEN (OLD.status = 'doing' AND NEW.status <> 'doing' AND OLD.lock IS NOT NULL)
    EXECUTE FUNCTION pm_pipeline.notify_lock_freed();

CREATE TRIGGER leadscout_notify_lock_freed_on_delete
    AFTER DELETE ON procrastinate_jobs
    FOR EACH ROW WHEN (OLD.status = 'doing' AND OLD.lock IS NOT NULL)
    EXECUTE FUNCTION pm_pipeline.notify_lock_freed();
