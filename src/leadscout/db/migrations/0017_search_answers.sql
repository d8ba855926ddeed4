-- One search query across every worker: the answer a provider gave, kept so that runs side by side
-- on other workers pay for a query once (search calls are billed per query). A worker about to
-- ask claims the query for a while; another that wants it meanwhile waits for the answer. A run
-- reuses only answers given since it started. Unlogged: a crash loses only a few paid queries.
CREATE UNLOGGED TABLE IF NOT EXISTS pm_pipeline.search_answers (
    provider       text NOT NULL,
    query          text NOT NULL,
    page           integer NOT NULL,
    results        jsonb,
    answered_at    timestamptz,
    claimed_until  timestamptz,
    PRIMARY KEY (provider, query, page)
);
