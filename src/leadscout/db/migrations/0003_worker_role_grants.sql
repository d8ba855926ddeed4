-- The seed's migration 004, as a function: `leadscout db grant ROLE` calls it.
-- A worker role may read and write pipeline rows and run jobs, but owns nothing, so it
-- can neither drop nor alter the schema. run_events is append-only for it.
CREATE FUNCTION pm_pipeline.grant_worker_role(p_role text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    obj record;
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA pm_pipeline TO %I', p_role);
    FOR obj IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'pm_pipeline' AND c.relkind IN ('r', 'v')
                  AND c.relname NOT IN ('run_events', 'worker_heartbeats', 'schema_migrations') LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON pm_pipeline.%I TO %I', obj.relname, p_role);
    END LOOP;
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON pm_pipeline.worker_heartbeats TO %I', p_role);
    EXECUTE format('GRANT SELECT, INSERT ON pm_pipeline.run_events TO %I', p_role);
    EXECUTE format('GRANT SELECT ON pm_pipeline.schema_migrations TO %I', p_role);
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA pm_pipeline TO %I', p_role);
    EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pm_pipeline TO %I', p_role);
    -- the job engine's objects (procrastinate, in the connection's default schema)
    FOR obj IN SELECT n.nspname, c.relname, c.relkind FROM pg_class c
                 JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relname LIKE 'procrastinate%' AND c.relkind IN ('r', 'S') LOOP
        IF obj.relkind = 'S' THEN
            EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %I.%I TO %I', obj.nspname, obj.relname, p_role);
        ELSE
            EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I.%I TO %I', obj.nspname, obj.relname, p_role);
        END IF;
    END LOOP;
    FOR obj IN SELECT p.oid::regprocedure AS sig FROM pg_proc p
                WHERE p.proname LIKE 'procrastinate%' LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', obj.sig, p_role);
    END LOOP;
END;
$$;
