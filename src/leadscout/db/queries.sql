-- Every SQL statement leadscout runs outside migrations. Format:
--   -- name --
--   -- one-line description
--   SQL with %(param)s placeholders
-- Loaded once by leadscout.db.queries; no other module holds SQL text.

-- insert_run --
-- Create a run in company_discovery/active
INSERT INTO pm_pipeline.runs (criteria, target_quantity, contacts_min, contacts_max, batch_size, notes, options)
VALUES (%(criteria)s, %(target_quantity)s, %(contacts_min)s, %(contacts_max)s, %(batch_size)s, %(notes)s,
        %(options)s)
RETURNING *;

-- get_run --
-- One run by id
SELECT * FROM pm_pipeline.runs WHERE id = %(run_id)s;

-- lock_run --
-- Lock a run row for the rest of the transaction (serialises stage finishers)
SELECT * FROM pm_pipeline.runs WHERE id = %(run_id)s FOR UPDATE;

-- list_runs --
-- Runs, newest first, with their gap
SELECT r.*, g.companies_ready, g.companies_gap, g.batches_done
  FROM pm_pipeline.runs r, LATERAL pm_pipeline.get_pm_company_gap(r.id) g
 WHERE (%(status)s::text IS NULL OR r.status = %(status)s)
 ORDER BY r.created_at DESC, r.id
 LIMIT %(limit)s OFFSET %(offset)s;

-- delete_run --
-- Delete a run and everything that belongs to it
DELETE FROM pm_pipeline.runs WHERE id = %(run_id)s;

-- transition_run --
-- Guarded state transition; true when this caller won
SELECT pm_pipeline.transition_run(%(run_id)s, %(from_stage)s, %(from_status)s,
                                  %(to_stage)s, %(to_status)s, %(event)s, %(payload)s) AS moved;

-- insert_event --
-- Append to the run event log
INSERT INTO pm_pipeline.run_events (run_id, event, entity_type, entity_id, payload)
VALUES (%(run_id)s, %(event)s, %(entity_type)s, %(entity_id)s, %(payload)s)
RETURNING id;

-- insert_event_once --
-- Append an event a run tells only once (a notice): nothing when the run already has one of that name
INSERT INTO pm_pipeline.run_events (run_id, event, entity_type, entity_id, payload)
SELECT %(run_id)s, %(event)s, 'run', NULL, %(payload)s
 WHERE NOT EXISTS (SELECT 1 FROM pm_pipeline.run_events WHERE run_id = %(run_id)s AND event = %(event)s)
RETURNING id;

-- events_since --
-- Events of a run after a given id, oldest first
SELECT * FROM pm_pipeline.run_events
 WHERE run_id = %(run_id)s AND id > %(after_id)s
 ORDER BY id LIMIT %(limit)s;

-- company_gap --
-- The seed's gap function
SELECT * FROM pm_pipeline.get_pm_company_gap(%(run_id)s);

-- list_batches --
-- The checkpoint rows of a run
SELECT * FROM pm_pipeline.run_batches WHERE run_id = %(run_id)s ORDER BY batch_no;

-- next_batch_no --
-- Number of the next batch: one more than the last committed batch
SELECT coalesce(max(batch_no) FILTER (WHERE status = 'done'), 0) + 1 AS batch_no
  FROM pm_pipeline.run_batches WHERE run_id = %(run_id)s;

-- start_batch --
-- Claim a batch row: insert it, or take over a batch a dead worker left running
INSERT INTO pm_pipeline.run_batches AS b (run_id, batch_no, requested, worker_id)
VALUES (%(run_id)s, %(batch_no)s, %(requested)s, %(worker_id)s)
ON CONFLICT (run_id, batch_no) DO UPDATE
   SET worker_id = excluded.worker_id, requested = excluded.requested,
       attempts = b.attempts + 1, started_at = now()
 WHERE b.status = 'running'
RETURNING *;

-- finish_batch --
-- Mark a running batch done with its count (the checkpoint)
UPDATE pm_pipeline.run_batches
   SET status = 'done', found = %(found)s, finished_at = now()
 WHERE run_id = %(run_id)s AND batch_no = %(batch_no)s AND status = 'running'
RETURNING *;

-- holds_batch --
-- Whether this attempt of this worker still holds a running batch (not taken over, not committed)
SELECT 1 AS holds FROM pm_pipeline.run_batches
 WHERE run_id = %(run_id)s AND batch_no = %(batch_no)s AND status = 'running'
   AND worker_id IS NOT DISTINCT FROM %(worker_id)s AND attempts = %(attempts)s;

-- batch_found --
-- The companies a batch delivered, in its last attempt and in any earlier one a dead worker began
SELECT count(*) AS found FROM pm_pipeline.company_candidates
 WHERE run_id = %(run_id)s AND batch_no = %(batch_no)s;

-- insert_company --
-- Add a company to a run unless its domain is already there or blocked
INSERT INTO pm_pipeline.company_candidates
    (run_id, batch_no, name, domain, website, city, state, pms, units_estimate,
     company_type, discovery_source, evidence, fit_score, verdicts)
SELECT %(run_id)s, %(batch_no)s, %(name)s, %(domain)s, %(website)s, %(city)s, %(state)s,
       %(pms)s, %(units_estimate)s, %(company_type)s, %(discovery_source)s, %(evidence)s,
       %(fit_score)s, %(verdicts)s
 WHERE NOT EXISTS (SELECT 1 FROM pm_pipeline.blocked_domains WHERE domain = %(domain)s)
ON CONFLICT (run_id, lower(domain)) DO NOTHING
RETURNING id;

-- run_companies --
-- Validated companies of a run in delivery order (best fit first, then batch, then domain: deterministic)
SELECT * FROM pm_pipeline.company_candidates
 WHERE run_id = %(run_id)s AND status = 'validated'
 ORDER BY fit_score DESC NULLS LAST, batch_no, domain
 LIMIT %(limit)s;

-- get_company --
-- One company candidate
SELECT * FROM pm_pipeline.company_candidates WHERE id = %(company_id)s;

-- count_companies_by_run --
-- Companies per run (the seed's troubleshooting query)
SELECT run_id, COUNT(*) AS companies FROM pm_pipeline.company_candidates GROUP BY run_id;

-- upsert_research --
-- Store the research of one company (idempotent)
INSERT INTO pm_pipeline.company_research (run_id, company_id, facts, signals, status)
VALUES (%(run_id)s, %(company_id)s, %(facts)s, %(signals)s, %(status)s)
ON CONFLICT (run_id, company_id) DO UPDATE
   SET facts = excluded.facts, signals = excluded.signals, status = excluded.status,
       updated_at = now();

-- get_research --
-- Research rows of a run
SELECT * FROM pm_pipeline.company_research WHERE run_id = %(run_id)s;

-- set_research_status --
-- Record the outcome of a company's research
UPDATE pm_pipeline.company_candidates
   SET research_status = %(status)s, updated_at = now()
 WHERE id = %(company_id)s;

-- set_contacts_status --
-- Record the outcome of a company's contact search
UPDATE pm_pipeline.company_candidates
   SET contacts_status = %(status)s, updated_at = now()
 WHERE id = %(company_id)s;

-- stage_progress --
-- Work left in the research and contact stages of a run, over the companies it delivers
SELECT count(*) FILTER (WHERE research_status = 'pending')::int AS research_pending,
       count(*) FILTER (WHERE contacts_status = 'pending')::int AS contacts_pending,
       count(*) FILTER (WHERE contacts_status = 'short')::int AS contacts_short,
       count(*)::int AS companies
  FROM (SELECT research_status, contacts_status FROM pm_pipeline.company_candidates
         WHERE run_id = %(run_id)s AND status = 'validated'
         ORDER BY fit_score DESC NULLS LAST, batch_no, domain
         LIMIT %(limit)s) delivered;

-- insert_contact --
-- Add a contact to a company (idempotent on name and email)
INSERT INTO pm_pipeline.contact_candidates
    (run_id, company_id, full_name, title, seniority, email, email_status, email_source, email_check,
     linkedin_url, phone, evidence, source)
VALUES (%(run_id)s, %(company_id)s, %(full_name)s, %(title)s, %(seniority)s, %(email)s,
        %(email_status)s, %(email_source)s, %(email_check)s, %(linkedin_url)s, %(phone)s, %(evidence)s, %(source)s)
ON CONFLICT DO NOTHING
RETURNING id;

-- count_contacts --
-- Contacts of one company
SELECT count(*)::int AS n FROM pm_pipeline.contact_candidates WHERE company_id = %(company_id)s;

-- run_contacts --
-- Contacts of a run with their company, in export order
SELECT ct.*, c.name AS company_name, c.domain AS company_domain
  FROM pm_pipeline.contact_candidates ct
  JOIN pm_pipeline.company_candidates c ON c.id = ct.company_id
 WHERE ct.run_id = %(run_id)s
 ORDER BY c.batch_no, c.domain, ct.seniority NULLS LAST, ct.full_name;

-- upsert_directory_company --
-- Load one company into the research directory
INSERT INTO pm_pipeline.directory_companies (name, domain, website, city, state, pms, units, source)
VALUES (%(name)s, %(domain)s, %(website)s, %(city)s, %(state)s, %(pms)s, %(units)s, %(source)s)
ON CONFLICT (domain) DO UPDATE
   SET name = excluded.name, website = excluded.website, city = excluded.city,
       state = excluded.state, pms = excluded.pms, units = excluded.units,
       source = excluded.source, imported_at = now()
RETURNING (xmax = 0) AS inserted;

-- upsert_directory_contact --
-- Load one known contact into the research directory
INSERT INTO pm_pipeline.directory_contacts (domain, full_name, title, email, source)
VALUES (%(domain)s, %(full_name)s, %(title)s, %(email)s, %(source)s)
ON CONFLICT (domain, lower(full_name)) DO UPDATE
   SET title = excluded.title, email = excluded.email, source = excluded.source
RETURNING (xmax = 0) AS inserted;

-- directory_candidates --
-- Directory companies that match criteria, are not blocked and not yet in the run
SELECT d.* FROM pm_pipeline.directory_companies d
 WHERE (%(state)s::text IS NULL OR d.state = %(state)s)
   AND (%(cities)s::text[] IS NULL OR lower(d.city) = ANY(%(cities)s::text[]))
   AND (%(pms)s::text[] IS NULL OR d.pms = ANY(%(pms)s::text[]))
   AND (%(units_min)s::int IS NULL OR d.units >= %(units_min)s)
   AND (%(units_max)s::int IS NULL OR d.units <= %(units_max)s)
   AND NOT (d.domain = ANY(%(exclude)s::text[]))
   AND NOT EXISTS (SELECT 1 FROM pm_pipeline.blocked_domains b WHERE b.domain = d.domain)
   AND NOT EXISTS (SELECT 1 FROM pm_pipeline.company_candidates c
                    WHERE c.run_id = %(run_id)s AND lower(c.domain) = d.domain)
 ORDER BY d.units DESC NULLS LAST, d.domain
 LIMIT %(limit)s;

-- directory_contacts --
-- Known contacts of one company domain
SELECT * FROM pm_pipeline.directory_contacts WHERE domain = %(domain)s ORDER BY id;

-- count_directory --
-- Size of the research directory
SELECT count(*)::int AS n FROM pm_pipeline.directory_companies;

-- add_blocked_domain --
-- Suppress a domain
INSERT INTO pm_pipeline.blocked_domains (domain, reason, source)
VALUES (%(domain)s, %(reason)s, %(source)s)
ON CONFLICT (domain) DO UPDATE SET reason = excluded.reason, source = excluded.source
RETURNING (xmax = 0) AS inserted;

-- remove_blocked_domain --
-- Lift a suppression
DELETE FROM pm_pipeline.blocked_domains WHERE domain = %(domain)s RETURNING domain;

-- list_blocked_domains --
-- Suppressed domains
SELECT * FROM pm_pipeline.blocked_domains ORDER BY domain LIMIT %(limit)s OFFSET %(offset)s;

-- count_blocked_domains --
-- The seed's troubleshooting count
SELECT COUNT(*)::int AS n FROM pm_pipeline.blocked_domains;

-- defer_job --
-- Enqueue a procrastinate job inside the caller's transaction (no crash window after commit); with
-- unless_live, not when a job holding the same lock is queued or running (a unit started ahead of its stage)
SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[ROW(
    %(queue)s, %(task_name)s, %(priority)s, %(lock)s, %(queueing_lock)s, %(args)s, NULL
)::procrastinate_job_to_defer_v1])) AS id
 WHERE NOT (%(unless_live)s::boolean AND EXISTS (
       SELECT 1 FROM procrastinate_jobs WHERE lock = %(lock)s AND status IN ('todo', 'doing')));

-- live_jobs_for_run --
-- Jobs of a run that are queued or running
SELECT id, task_name, status, args, attempts FROM procrastinate_jobs
 WHERE status IN ('todo', 'doing') AND args ->> 'run_id' = %(run_id)s;

-- leftover_jobs --
-- Jobs still queued or running for runs that are finished (should be none)
SELECT j.id, j.task_name, j.status FROM procrastinate_jobs j
  JOIN pm_pipeline.runs r ON r.id::text = j.args ->> 'run_id'
 WHERE j.status IN ('todo', 'doing') AND r.status IN ('completed', 'failed', 'cancelled');

-- jobs_left_of_run --
-- How many jobs of one run are still queued or running on the given queues (a finished run's
-- notification, say)
SELECT count(*)::int AS n FROM procrastinate_jobs
 WHERE args ->> 'run_id' = %(run_id)s AND status IN ('todo', 'doing') AND queue_name = ANY(%(queues)s);

-- active_runs_without_jobs --
-- Active runs with nothing queued or running: the sweeper re-enqueues their next step
SELECT r.* FROM pm_pipeline.runs r
 WHERE r.status = 'active'
   AND r.updated_at < now() - make_interval(secs => %(grace_seconds)s)
   AND NOT EXISTS (SELECT 1 FROM procrastinate_jobs j
                    WHERE j.status IN ('todo', 'doing') AND j.args ->> 'run_id' = r.id::text);

-- upsert_heartbeat --
-- Register or refresh a worker; returns whether a stop was requested
SELECT pm_pipeline.upsert_worker_heartbeat(%(worker_id)s, %(worker_type)s, %(status)s,
    %(current_run_id)s, %(current_task)s, %(lease_expires_at)s, %(metadata)s,
    %(host)s, %(pid)s) AS stop_requested;

-- request_worker_stop --
-- Ask a worker to stop after its current job
SELECT pm_pipeline.request_worker_stop(%(worker_id)s) AS found;

-- stop_worker --
-- Mark a worker stopped
SELECT pm_pipeline.stop_worker(%(worker_id)s) AS found;

-- active_workers --
-- Workers with a recent heartbeat
SELECT * FROM pm_pipeline.v_active_workers;

-- dead_workers --
-- Workers whose heartbeat is older than the liveness window and that did not stop
SELECT * FROM pm_pipeline.v_dead_workers;

-- worker_stats --
-- Counts per worker type
SELECT * FROM pm_pipeline.get_worker_stats();

-- get_worker --
-- One worker row
SELECT * FROM pm_pipeline.worker_heartbeats WHERE worker_id = %(worker_id)s;

-- delete_worker --
-- Remove a worker row
DELETE FROM pm_pipeline.worker_heartbeats WHERE worker_id = %(worker_id)s;

-- pin_run --
-- RUN_FILTER_ID: route a run's jobs to its own lane
SELECT pm_pipeline.pin_run(%(run_id)s, %(worker_id)s) AS lane;

-- unpin_run --
-- Send a run's jobs back to the shared queues (only if this worker pinned it)
SELECT pm_pipeline.unpin_run(%(run_id)s, %(worker_id)s) AS unpinned;

-- unpin_orphaned_runs --
-- Unpin runs whose pinning worker stopped or died
SELECT pm_pipeline.unpin_orphaned_runs() AS n;

-- next_run_queries --
-- The next search queries of a run that have not run yet, in plan order
SELECT * FROM pm_pipeline.run_queries
 WHERE run_id = %(run_id)s AND status = 'pending' ORDER BY position LIMIT %(limit)s;

-- finish_run_query --
-- Record a search query's outcome
UPDATE pm_pipeline.run_queries
   SET status = %(status)s, results = %(results)s, provider = %(provider)s, updated_at = now()
 WHERE run_id = %(run_id)s AND position = %(position)s;

-- add_candidate --
-- A candidate company found by search or on a list page; while it waits, the earliest sighting
-- in plan order (seq) names it, whichever concurrent insert came first. True when it is new.
INSERT INTO pm_pipeline.discovery_candidates (run_id, domain, name, website, found_via, status, reasons, seq,
                                               listed_city)
VALUES (%(run_id)s, %(domain)s, %(name)s, %(website)s, %(found_via)s, %(status)s, %(reasons)s, %(seq)s,
        %(listed_city)s)
ON CONFLICT (run_id, domain) DO UPDATE
   SET seq = excluded.seq, name = excluded.name, website = excluded.website, found_via = excluded.found_via
 WHERE discovery_candidates.status = 'pending' AND excluded.status = 'pending'
   AND excluded.seq < discovery_candidates.seq
RETURNING (xmax = 0) AS inserted;

-- pending_candidates --
-- Candidates still to verify, in plan order
SELECT * FROM pm_pipeline.discovery_candidates
 WHERE run_id = %(run_id)s AND status = 'pending' ORDER BY seq, domain LIMIT %(limit)s;

-- revive_unread_repeats --
-- A run about to run dry reads the directory profiles it set aside unread as a company it has
-- (the same name in the same listed city): a namesake firm has a profile, and a website, of its own
UPDATE pm_pipeline.discovery_candidates
   SET status = 'pending', reasons = reasons || %(reasons)s, updated_at = now()
 WHERE run_id = %(run_id)s AND status = 'duplicate' AND strpos(domain, '/') > 0
   AND starts_with(reasons ->> 0, %(set_aside)s)
RETURNING domain;

-- undelivered_accepted --
-- Candidates that passed verification but are not yet in the run (a crash came between); one
-- suppressed since is never offered again (the run could not take it, and would ask for it for ever)
SELECT dc.* FROM pm_pipeline.discovery_candidates dc
 WHERE dc.run_id = %(run_id)s AND dc.status = 'accepted'
   AND NOT EXISTS (SELECT 1 FROM pm_pipeline.company_candidates c
                    WHERE c.run_id = dc.run_id AND lower(c.domain) = dc.domain)
   AND NOT EXISTS (SELECT 1 FROM pm_pipeline.blocked_domains b WHERE b.domain = dc.domain)
 ORDER BY dc.seq, dc.domain LIMIT %(limit)s;

-- settle_candidate --
-- Store a candidate's verification outcome
UPDATE pm_pipeline.discovery_candidates
   SET status = %(status)s, reasons = %(reasons)s, verdicts = %(verdicts)s, company = %(company)s,
       fetches = %(fetches)s, retries = %(retries)s, pages = %(pages)s, updated_at = now()
 WHERE run_id = %(run_id)s AND domain = %(domain)s;

-- defer_candidate --
-- A candidate that passed but whose people cannot be read goes to the end of the plan, pending
UPDATE pm_pipeline.discovery_candidates
   SET seq = seq + %(step)s, reasons = reasons || %(reasons)s, updated_at = now()
 WHERE run_id = %(run_id)s AND domain = %(domain)s AND status = 'pending';

-- candidate_pass_rate --
-- How many of a run's verified candidates passed, of how many (the rate speculation is sized by)
SELECT count(*) FILTER (WHERE status IN ('accepted', 'delivered'))::int AS passed,
       count(*) FILTER (WHERE status IN ('accepted', 'delivered', 'rejected') AND fetches > 0)::int AS decided
  FROM pm_pipeline.discovery_candidates WHERE run_id = %(run_id)s;

-- candidate_stats --
-- Why candidates of a run were rejected (for decision options and reports)
SELECT domain, found_via, status, reasons, verdicts, fetches, retries, updated_at
  FROM pm_pipeline.discovery_candidates WHERE run_id = %(run_id)s ORDER BY updated_at, domain;

-- is_blocked --
-- Whether a domain is suppressed
SELECT EXISTS (SELECT 1 FROM pm_pipeline.blocked_domains WHERE domain = %(domain)s) AS blocked;

-- cache_get --
-- A cached page by URL, when it is younger than max_age seconds (NULL: any age)
SELECT pc.*, pb.body FROM pm_pipeline.page_cache pc
  LEFT JOIN pm_pipeline.page_bodies pb ON pb.content_hash = pc.content_hash
 WHERE pc.url = %(url)s
   AND (%(max_age)s::float8 IS NULL OR pc.fetched_at > now() - make_interval(secs => %(max_age)s::float8));

-- claim_page --
-- Claim the fetch of a page for a few seconds; a row comes back when this worker holds the claim
INSERT INTO pm_pipeline.page_claims (url, claimed_until)
VALUES (%(url)s, now() + make_interval(secs => %(seconds)s::float8))
ON CONFLICT (url) DO UPDATE SET claimed_until = excluded.claimed_until, failed = NULL, failed_status = NULL
 WHERE page_claims.claimed_until < now()
RETURNING url;

-- fail_page --
-- A claimed fetch that failed for now: the workers waiting on it get the failure for a few seconds
UPDATE pm_pipeline.page_claims
   SET failed = %(error)s, failed_status = %(status)s,
       claimed_until = now() + make_interval(secs => %(seconds)s::float8)
 WHERE url = %(url)s;

-- shared_page --
-- A page another worker claimed: its cached row once written (body null until then), whether the
-- claim still stands, and what its fetch failed with for now (if it did)
SELECT pc.*, pb.body, cl.url IS NOT NULL AS claimed, cl.failed AS claim_failed,
       cl.failed_status AS claim_failed_status
  FROM (SELECT 1) one
  LEFT JOIN pm_pipeline.page_claims cl ON cl.url = %(url)s AND cl.claimed_until > now()
  LEFT JOIN pm_pipeline.page_cache pc
         ON pc.url = %(url)s
        AND (%(max_age)s::float8 IS NULL OR pc.fetched_at > now() - make_interval(secs => %(max_age)s::float8))
  LEFT JOIN pm_pipeline.page_bodies pb ON pb.content_hash = pc.content_hash;

-- release_pages --
-- The claims of pages now cached (or given up)
DELETE FROM pm_pipeline.page_claims WHERE url = ANY(%(urls)s::text[]);

-- search_answer --
-- A provider's answer to a query given since a moment (no row: never asked), and whether a
-- worker holds the claim to ask for it
SELECT sa.results, sa.answered_at,
       coalesce(sa.claimed_until > now(), false) AS claimed,
       coalesce(sa.answered_at >= %(since)s::timestamptz, false) AS fresh
  FROM pm_pipeline.search_answers sa
 WHERE sa.provider = %(provider)s AND sa.query = %(query)s AND sa.page = %(page)s;

-- claim_search --
-- Claim the asking of a query for a few seconds; a row comes back when this worker holds the claim
-- (never when an answer given since the asker's run started is there: another worker answered
-- between this worker's look and its claim)
INSERT INTO pm_pipeline.search_answers (provider, query, page, claimed_until)
VALUES (%(provider)s, %(query)s, %(page)s, now() + make_interval(secs => %(seconds)s::float8))
ON CONFLICT (provider, query, page) DO UPDATE SET claimed_until = excluded.claimed_until
 WHERE (search_answers.claimed_until IS NULL OR search_answers.claimed_until < now())
   AND (search_answers.answered_at IS NULL OR search_answers.answered_at < %(since)s::timestamptz)
RETURNING query;

-- put_search --
-- Keep a provider's answer (and end its claim)
INSERT INTO pm_pipeline.search_answers (provider, query, page, results, answered_at, claimed_until)
VALUES (%(provider)s, %(query)s, %(page)s, %(results)s, now(), NULL)
ON CONFLICT (provider, query, page) DO UPDATE
   SET results = excluded.results, answered_at = excluded.answered_at, claimed_until = NULL;

-- release_search --
-- Give up the claim on a query without an answer (the provider failed: another worker may ask)
UPDATE pm_pipeline.search_answers SET claimed_until = NULL
 WHERE provider = %(provider)s AND query = %(query)s AND page = %(page)s;

-- cache_host --
-- The cached pages of one host (a site's pages are read together), up to limit
SELECT pc.*, pb.body FROM pm_pipeline.page_cache pc
  LEFT JOIN pm_pipeline.page_bodies pb ON pb.content_hash = pc.content_hash
 WHERE split_part(pc.url, '/', 3) = %(host)s
   AND (%(max_age)s::float8 IS NULL OR pc.fetched_at > now() - make_interval(secs => %(max_age)s::float8))
 LIMIT %(limit)s;

-- cache_put_body --
-- Store a page body once per content hash
INSERT INTO pm_pipeline.page_bodies (content_hash, body) VALUES (%(content_hash)s, %(body)s)
ON CONFLICT (content_hash) DO NOTHING;

-- cache_put --
-- Record a fetch
INSERT INTO pm_pipeline.page_cache
       (url, final_url, status, content_type, error, truncated, content_hash, fetched_at, etag, last_modified)
VALUES (%(url)s, %(final_url)s, %(status)s, %(content_type)s, %(error)s, %(truncated)s, %(content_hash)s,
        %(fetched_at)s, %(etag)s, %(last_modified)s)
ON CONFLICT (url) DO UPDATE
   SET final_url = excluded.final_url, status = excluded.status, content_type = excluded.content_type,
       error = excluded.error, truncated = excluded.truncated, content_hash = excluded.content_hash,
       fetched_at = excluded.fetched_at, etag = excluded.etag, last_modified = excluded.last_modified;

-- settle_company_research --
-- A company's research outcome: its fit score, whether it stays in the run, and the PMS and unit
-- count it found where discovery stopped reading before it saw them
UPDATE pm_pipeline.company_candidates
   SET research_status = %(research_status)s,
       fit_score = coalesce(%(fit_score)s, fit_score),
       pms = coalesce(pms, %(pms)s),
       units_estimate = coalesce(units_estimate, %(units_estimate)s),
       status = CASE WHEN %(drop_reason)s::text IS NULL THEN status ELSE 'dropped' END,
       drop_reason = coalesce(%(drop_reason)s, drop_reason),
       updated_at = now()
 WHERE id = %(company_id)s;

-- drop_short_companies --
-- Drop the delivered companies that could not reach contacts_min (the user chose to replace them)
UPDATE pm_pipeline.company_candidates
   SET status = 'dropped', drop_reason = %(reason)s, updated_at = now()
 WHERE run_id = %(run_id)s AND status = 'validated' AND contacts_status = 'short'
RETURNING id, domain;

-- replace_company --
-- Drop one delivered company that ended short of contacts_min: discovery finds another in its place
UPDATE pm_pipeline.company_candidates
   SET status = 'dropped', drop_reason = %(reason)s, updated_at = now()
 WHERE id = %(company_id)s AND status = 'validated'
RETURNING id, domain;

-- restore_replaced_companies --
-- The user takes the companies that were replaced for want of a contact after all
UPDATE pm_pipeline.company_candidates
   SET status = 'validated', drop_reason = NULL, updated_at = now()
 WHERE run_id = %(run_id)s AND status = 'dropped' AND drop_reason LIKE 'replaced:%%'
RETURNING id, domain;

-- replaced_companies --
-- Companies a run replaced for want of a named decision maker
SELECT id, name, domain, drop_reason FROM pm_pipeline.company_candidates
 WHERE run_id = %(run_id)s AND status = 'dropped' AND drop_reason LIKE 'replaced:%%' ORDER BY updated_at, domain;

-- dropped_companies --
-- Companies a run dropped after discovery, and why
SELECT id, name, domain, drop_reason FROM pm_pipeline.company_candidates
 WHERE run_id = %(run_id)s AND status = 'dropped' ORDER BY updated_at, domain;

-- update_run_request --
-- Change a run's criteria and options (a user decision)
UPDATE pm_pipeline.runs
   SET criteria = %(criteria)s, options = %(options)s, updated_at = now()
 WHERE id = %(run_id)s;

-- reopen_rejected_candidates --
-- Candidates rejected only on a criterion the user just relaxed go back to verification
UPDATE pm_pipeline.discovery_candidates
   SET status = 'pending', updated_at = now()
 WHERE run_id = %(run_id)s AND status = 'rejected'
   AND verdicts @> jsonb_build_array(jsonb_build_object('criterion', %(criterion)s::text, 'verdict', 'false'));

-- plan_run_queries --
-- Add search queries, in order, to the end of a run's plan, leaving out those already planned
INSERT INTO pm_pipeline.run_queries (run_id, position, query, page)
SELECT %(run_id)s, base.next + row_number() OVER (ORDER BY wanted.ord) - 1, wanted.query, wanted.page
  FROM unnest(%(queries)s::text[], %(pages)s::int[]) WITH ORDINALITY AS wanted(query, page, ord)
 CROSS JOIN (SELECT coalesce(max(position) + 1, 0) AS next
               FROM pm_pipeline.run_queries WHERE run_id = %(run_id)s) AS base
 WHERE NOT EXISTS (SELECT 1 FROM pm_pipeline.run_queries q
                    WHERE q.run_id = %(run_id)s AND q.query = wanted.query AND q.page = wanted.page);

-- productive_deep_queries --
-- The queries whose deepest page read so far (at least %(from_page)s, below %(max_page)s) showed a candidate
-- first that the run then accepted: a vein still paying out, whose next page is worth a search
WITH deepest AS (
  SELECT query, max(page) AS page FROM pm_pipeline.run_queries
   WHERE run_id = %(run_id)s AND status = 'done' GROUP BY query
)
SELECT d.query, d.page + 1 AS page
  FROM deepest d JOIN pm_pipeline.run_queries q
    ON q.run_id = %(run_id)s AND q.query = d.query AND q.page = d.page
 WHERE d.page >= %(from_page)s AND d.page < %(max_page)s
   AND EXISTS (SELECT 1 FROM pm_pipeline.discovery_candidates c
                WHERE c.run_id = %(run_id)s AND c.status IN ('accepted', 'delivered')
                  AND c.seq / %(plan_step)s = q.position)
 ORDER BY q.position;

-- insert_outbox --
-- Write a notification once (dedupe_key); returns its id only when it is new
INSERT INTO pm_pipeline.outbox
       (run_id, kind, dedupe_key, recipients, subject, body, attachments, status, endpoint_id)
VALUES (%(run_id)s, %(kind)s, %(dedupe_key)s, %(recipients)s, %(subject)s, %(body)s, %(attachments)s, %(status)s,
        %(endpoint_id)s)
ON CONFLICT (dedupe_key) DO NOTHING
RETURNING id;

-- claim_outbox --
-- Take a notification for sending (a crash while sending leaves it claimable again)
UPDATE pm_pipeline.outbox
   SET status = 'sending', attempts = attempts + 1
 WHERE id = %(id)s AND status IN ('pending', 'sending')
RETURNING *;

-- settle_outbox --
-- Record a send attempt's outcome
UPDATE pm_pipeline.outbox
   SET status = %(status)s, last_error = %(error)s,
       sent_at = CASE WHEN %(status)s = 'sent' THEN now() ELSE sent_at END
 WHERE id = %(id)s;

-- list_outbox --
-- Notifications, newest first
SELECT * FROM pm_pipeline.outbox
 WHERE (%(run_id)s::uuid IS NULL OR run_id = %(run_id)s) ORDER BY created_at DESC LIMIT %(limit)s;

-- completion_payload --
-- What the completion step recorded (its files), if the run completed
SELECT payload FROM pm_pipeline.run_events
 WHERE run_id = %(run_id)s AND event = 'run_completed' ORDER BY id DESC LIMIT 1;

-- release_outbox --
-- Make a held or failed notification sendable again (recipients filled in if it had none)
UPDATE pm_pipeline.outbox
   SET status = 'pending',
       recipients = CASE WHEN cardinality(recipients) = 0 THEN %(recipients)s::text[] ELSE recipients END
 WHERE id = %(id)s AND status IN ('held', 'failed', 'pending')
RETURNING id;

-- insert_usage --
-- Record what one unit of work spent
INSERT INTO pm_pipeline.run_usage
    (run_id, company_id, scope, llm_requests, input_tokens, output_tokens, tool_calls, searches, fetches,
     email_checks, cost_usd, unpriced_models)
VALUES (%(run_id)s, %(company_id)s, %(scope)s, %(llm_requests)s, %(input_tokens)s, %(output_tokens)s,
        %(tool_calls)s, %(searches)s, %(fetches)s, %(email_checks)s, %(cost_usd)s, %(unpriced_models)s);

-- usage_totals --
-- What a run spent in all, and what one of its companies spent (company_id may be null)
SELECT coalesce(sum(llm_requests), 0)::int AS llm_requests, coalesce(sum(input_tokens), 0)::bigint AS input_tokens,
       coalesce(sum(output_tokens), 0)::bigint AS output_tokens, coalesce(sum(tool_calls), 0)::int AS tool_calls,
       coalesce(sum(searches), 0)::int AS searches, coalesce(sum(fetches), 0)::int AS fetches,
       coalesce(sum(email_checks), 0)::int AS email_checks, coalesce(sum(cost_usd), 0)::float8 AS cost_usd,
       coalesce(array_agg(DISTINCT m) FILTER (WHERE m IS NOT NULL), '{}') AS unpriced_models
  FROM pm_pipeline.run_usage LEFT JOIN LATERAL unnest(unpriced_models) m ON true
 WHERE run_id = %(run_id)s AND (%(company_id)s::uuid IS NULL OR company_id = %(company_id)s);

-- usage_by_scope --
-- A run's spending per stage
SELECT scope, count(DISTINCT company_id)::int AS companies,
       sum(llm_requests)::int AS llm_requests, sum(input_tokens)::bigint AS input_tokens,
       sum(output_tokens)::bigint AS output_tokens, sum(tool_calls)::int AS tool_calls,
       sum(searches)::int AS searches, sum(fetches)::int AS fetches, sum(email_checks)::int AS email_checks,
       sum(cost_usd)::float8 AS cost_usd
  FROM pm_pipeline.run_usage WHERE run_id = %(run_id)s GROUP BY scope ORDER BY scope;

-- count_runs --
-- How many runs there are (with a status, or all)
SELECT count(*)::int AS n FROM pm_pipeline.runs WHERE (%(status)s::text IS NULL OR status = %(status)s);

-- page_companies --
-- One page of a run's delivered companies in delivery order, with their contact counts
SELECT c.*, (SELECT count(*)::int FROM pm_pipeline.contact_candidates ct WHERE ct.company_id = c.id) AS contacts
  FROM pm_pipeline.company_candidates c
 WHERE c.run_id = %(run_id)s AND c.status = 'validated'
 ORDER BY c.fit_score DESC NULLS LAST, c.batch_no, c.domain
 LIMIT %(limit)s OFFSET %(offset)s;

-- page_contacts --
-- One page of a run's contacts, in export order
SELECT ct.*, c.name AS company_name, c.domain AS company_domain
  FROM pm_pipeline.contact_candidates ct
  JOIN pm_pipeline.company_candidates c ON c.id = ct.company_id
 WHERE ct.run_id = %(run_id)s
 ORDER BY c.batch_no, c.domain, ct.seniority NULLS LAST, ct.full_name
 LIMIT %(limit)s OFFSET %(offset)s;

-- count_contacts_of_run --
-- How many contacts a run has
SELECT count(*)::int AS n FROM pm_pipeline.contact_candidates WHERE run_id = %(run_id)s;

-- research_of_company --
-- One company's research row
SELECT * FROM pm_pipeline.company_research WHERE company_id = %(company_id)s;

-- contacts_of_company --
-- One company's contacts, most senior first
SELECT ct.*, c.name AS company_name, c.domain AS company_domain
  FROM pm_pipeline.contact_candidates ct
  JOIN pm_pipeline.company_candidates c ON c.id = ct.company_id
 WHERE ct.company_id = %(company_id)s
 ORDER BY ct.seniority NULLS LAST, ct.full_name;

-- ping --
-- Is the database there?
SELECT 1 AS ok;

-- job_intervals --
-- When each job of the given runs was queued, started and finished (benchmarks and reports)
SELECT j.id, j.task_name, j.args ->> 'run_id' AS run_id,
       min(e.at) FILTER (WHERE e.type = 'deferred') AS deferred_at,
       min(e.at) FILTER (WHERE e.type = 'started') AS started_at,
       max(e.at) FILTER (WHERE e.type IN ('succeeded', 'failed', 'cancelled', 'aborted')) AS finished_at
  FROM procrastinate_jobs j JOIN procrastinate_events e ON e.job_id = j.id
 WHERE j.args ->> 'run_id' = ANY(%(run_ids)s)
 GROUP BY j.id, j.task_name;

-- database_activity --
-- The database's transaction and row counters (pg_stat_database), for load per unit of work
SELECT (xact_commit + xact_rollback)::bigint AS transactions, tup_returned::bigint AS rows_read,
       (tup_inserted + tup_updated + tup_deleted)::bigint AS rows_written
  FROM pg_stat_database WHERE datname = current_database();

-- beat_job_engine_worker --
-- The job engine's heartbeat of one worker, from a thread (no row: the worker was pruned as dead)
UPDATE procrastinate_workers SET last_heartbeat = NOW() WHERE id = %(worker_id)s RETURNING id;

-- insert_webhook_endpoint --
-- A webhook URL and its signing secret
INSERT INTO pm_pipeline.webhook_endpoints (url, secret) VALUES (%(url)s, %(secret)s) RETURNING id;

-- webhook_secrets --
-- What signs a message to an endpoint: its secret and, after a rotation, the previous one
SELECT id, url, secret, previous_secret FROM pm_pipeline.webhook_endpoints WHERE id = %(id)s;

-- rotate_webhook_secret --
-- A new secret; the current one keeps signing beside it until the next rotation
UPDATE pm_pipeline.webhook_endpoints
   SET previous_secret = secret, secret = %(secret)s, rotated_at = now()
 WHERE id = %(id)s
RETURNING id;

-- list_webhook_endpoints --
-- Endpoints with what was sent to each (never their secrets)
SELECT e.id, e.url, e.created_at, e.rotated_at,
       count(o.id) FILTER (WHERE o.status = 'sent') AS sent,
       count(o.id) FILTER (WHERE o.status IN ('pending', 'sending')) AS waiting,
       count(o.id) FILTER (WHERE o.status = 'failed') AS failed
  FROM pm_pipeline.webhook_endpoints e
  LEFT JOIN pm_pipeline.outbox o ON o.endpoint_id = e.id
 GROUP BY e.id ORDER BY e.created_at DESC;

-- resolve_candidate --
-- A directory profile read: its candidate becomes the company's own domain, unless the run
-- already has that domain as a candidate (then nothing changes and no row comes back). A
-- suppressed domain is settled as such in the same statement, so no later verification can miss it.
UPDATE pm_pipeline.discovery_candidates
   SET domain = %(domain)s, name = %(name)s, website = %(website)s, updated_at = now(), profile_key = %(key)s,
       status = CASE WHEN %(excluded)s OR EXISTS (SELECT 1 FROM pm_pipeline.blocked_domains b
                                                   WHERE b.domain = %(domain)s)
                     THEN 'suppressed' ELSE status END,
       reasons = CASE WHEN %(excluded)s OR EXISTS (SELECT 1 FROM pm_pipeline.blocked_domains b
                                                    WHERE b.domain = %(domain)s)
                      THEN '["suppressed domain"]'::jsonb ELSE reasons END
 WHERE run_id = %(run_id)s AND domain = %(key)s
   AND NOT EXISTS (SELECT 1 FROM pm_pipeline.discovery_candidates
                    WHERE run_id = %(run_id)s AND domain = %(domain)s)
RETURNING domain, status;

-- candidate_names --
-- The name and listed city of every candidate of a run (profiles of companies it already has)
SELECT name, coalesce(listed_city, '') AS listed_city, domain FROM pm_pipeline.discovery_candidates
 WHERE run_id = %(run_id)s;

-- active_runs_among --
-- How many of the given runs are still active (a watcher's one-statement poll)
SELECT count(*) FILTER (WHERE status = 'active')::int AS active, count(*)::int AS known
  FROM pm_pipeline.runs WHERE id = ANY(%(run_ids)s::uuid[]);
