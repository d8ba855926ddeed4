-- A claimed fetch that failed for now (a 503, a 429 after its retries, a timeout) answers the
-- workers that waited on it with that failure for a few seconds, as callers sharing one fetch in a
-- process share it, instead of each asking the site again at once. Never the page's answer: the
-- claim expires, and the next worker to claim it asks the site.
ALTER TABLE pm_pipeline.page_claims
    ADD COLUMN IF NOT EXISTS failed        text,
    ADD COLUMN IF NOT EXISTS failed_status integer;
