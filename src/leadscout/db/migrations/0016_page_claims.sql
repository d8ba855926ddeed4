-- One fetch of a page across every worker: a worker about to fetch a page the cache lacks claims
-- it for a while; another that wants it meanwhile waits for the page to reach the cache instead of
-- asking the site again. Claims are short-lived (unlogged: a crash loses only waiting time), and
-- a claim is released when its page is cached.
CREATE UNLOGGED TABLE IF NOT EXISTS pm_pipeline.page_claims (
    url            text PRIMARY KEY,
    claimed_until  timestamptz NOT NULL
);
