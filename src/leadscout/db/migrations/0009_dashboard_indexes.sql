-- The dashboard pages through a run's companies in delivery order and counts each one's
-- contacts; with thousands of runs and tens of thousands of companies both must use an index.
CREATE INDEX company_candidates_delivery_idx
    ON pm_pipeline.company_candidates (run_id, status, fit_score DESC NULLS LAST, batch_no, domain);
CREATE INDEX contact_candidates_company_idx ON pm_pipeline.contact_candidates (company_id);
