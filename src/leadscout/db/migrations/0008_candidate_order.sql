-- Candidates are verified in a deterministic order: where they were first seen in the query plan
-- (query position, result rank, place on a list page), not when a concurrent fetch happened to
-- finish. The same criteria on the same web then give the same companies, however the work was
-- scheduled or interrupted.
ALTER TABLE pm_pipeline.discovery_candidates ADD COLUMN seq bigint NOT NULL DEFAULT 0;
DROP INDEX pm_pipeline.discovery_candidates_status_idx;
CREATE INDEX discovery_candidates_status_idx ON pm_pipeline.discovery_candidates (run_id, status, seq, domain);
