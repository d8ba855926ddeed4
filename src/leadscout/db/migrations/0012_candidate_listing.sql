-- Where a list page or search result placed a candidate before it was read ("Austin, TX"), so an
-- unread directory profile of a company the run already has (same name, same listed city) is
-- never read.
ALTER TABLE pm_pipeline.discovery_candidates ADD COLUMN IF NOT EXISTS listed_city text;
