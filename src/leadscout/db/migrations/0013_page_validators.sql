-- Conditional re-reading (monitors): a cached page keeps the validators its server sent, so a
-- later read can ask "changed since?" (If-None-Match / If-Modified-Since) and get a bodiless 304
ALTER TABLE pm_pipeline.page_cache ADD COLUMN IF NOT EXISTS etag text;
ALTER TABLE pm_pipeline.page_cache ADD COLUMN IF NOT EXISTS last_modified text;
