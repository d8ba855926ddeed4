-- Where a list page or search result placed a candidate before it was read ("Austin, TX"), so an
-- unread directory profile of a company the run already has (same name, same listed city) is
-- never read.
ALTER TABLE pm_pipeline.discovery_candidates ADD COLUMN IF NOT EXISTS listed_city text;

-- The page cache is read a host at a time (a site's pages are read together).
CREATE INDEX IF NOT EXISTS page_cache_host_idx ON pm_pipeline.page_cache (split_part(url, '/', 3));
