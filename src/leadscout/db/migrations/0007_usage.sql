-- What each unit of work spent: LLM requests and tokens, tool calls, searches, fetches and
-- email checks, with the estimated dollars from the price table. One row per unit execution
-- (append-only), so a retried unit shows both attempts; totals are sums.
CREATE TABLE pm_pipeline.run_usage (
    id            bigserial PRIMARY KEY,
    run_id        uuid NOT NULL REFERENCES pm_pipeline.runs (id) ON DELETE CASCADE,
    company_id    uuid,
    scope         text NOT NULL,  -- discovery | research | contacts | parse | preview ...
    llm_requests  integer NOT NULL DEFAULT 0,
    input_tokens  bigint NOT NULL DEFAULT 0,
    output_tokens bigint NOT NULL DEFAULT 0,
    tool_calls    integer NOT NULL DEFAULT 0,
    searches      integer NOT NULL DEFAULT 0,
    fetches       integer NOT NULL DEFAULT 0,
    email_checks  integer NOT NULL DEFAULT 0,
    cost_usd      numeric(14, 6) NOT NULL DEFAULT 0,
    unpriced_models text[] NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX run_usage_run_idx ON pm_pipeline.run_usage (run_id, company_id);
