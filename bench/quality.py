"""Quality of web discovery on the sandbox, scored against the world's ground truth.

    python bench/quality.py [--style classic|wild|both] [--seed 7] [--json-out FILE] [--only NAME]
                            [--strategy rules|agent] [--readers-only]

``--strategy agent`` runs the same requests with the agent discovery strategy, driven by the
scripted OpenAI-compatible model of the sandbox (``leadscout.sandbox.llm``), or by a real model
at ``--llm-base-url`` (with ``--llm-model``); it adds LLM requests and tokens per accepted company.

Runs several requests (varying metro, PMS, unit thresholds and quantity, one that cannot be
met) through the real pipeline: in-process workers, the sandbox web over HTTP, an embedded
(or DATABASE_URL) PostgreSQL with a fresh database per request. Prints a table and writes
JSON (default bench/results/quality.json). ``--style both`` (the default) prints one table per
sandbox style: ``classic`` (the templates the sandbox began with) and ``wild`` (sites built from a
catalogue of real-world variants). A reader table scores each reader on the labelled real text of
``shared/data/real_pm_text.jsonl``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from leadscout.config import Settings  # noqa: E402
from leadscout.criteria import Criteria, parse_criteria  # noqa: E402
from leadscout.db import embedded, migrate  # noqa: E402
from leadscout.db.connection import open_pool  # noqa: E402
from leadscout.db.store import Store  # noqa: E402
from leadscout.models import Company, Contact  # noqa: E402
from leadscout.pipeline.jobs import COMPANY_QUEUES  # noqa: E402
from leadscout.pipeline.request import parse_request  # noqa: E402
from leadscout.pipeline.runs import create_run  # noqa: E402
from leadscout.pipeline.web_source import rejection_summary  # noqa: E402
from leadscout.sandbox.server import SandboxServer  # noqa: E402
from leadscout.sandbox.wild import bot_wall, team_closed  # noqa: E402
from leadscout.sandbox.world import World, WorldCompany  # noqa: E402
from leadscout.workers.runner import WorkerConfig, needs_no_more_work, run_worker  # noqa: E402

REQUESTS = {
    "austin_appfolio_100": "25 AppFolio property managers in Austin, TX with 100+ units",
    "atlanta_buildium": "10 Buildium property managers in Atlanta, GA",
    "denver_200_units": "15 property managers in Denver, CO with 200+ units",
    "tampa_rentvine_or_yardi": ("8 property managers in Tampa, FL", {"pms": ["rentvine", "yardi"]}),
    "charlotte_city_only": ("12 property managers in Charlotte, NC", {"geo_scope": "city"}),
    # 8, not 10: "over 108 units" proves at least 108, not at most 150 (the old reader took it as
    # exactly 108); nine Dallas firms state a count that proves it
    "dallas_small_firms": ("8 property managers in Dallas, TX", {"units_max": 150}),
    "unsatisfiable_columbus_resman": "30 ResMan property managers in Columbus, OH with 1000+ units",
}


def truth_match(c: WorldCompany, criteria: Criteria) -> bool:
    """What a correct verifier can accept, from the ground truth: what the site's own words prove
    (a vague "hundreds of homes" proves at least 200; a PMS named but never linked proves nothing)."""
    reachable = c.health in ("ok", "ratelimited", "latin1")
    low, high = c.provable_units()
    units_ok = (criteria.units_min is None or (low is not None and low >= criteria.units_min)) and (
        criteria.units_max is None or (high is not None and high <= criteria.units_max)
    )
    return (
        c.kind == "property_manager"
        and reachable
        and c.state == criteria.state
        and (not criteria.cities or c.city in criteria.allowed_cities())
        and (not criteria.pms or (c.pms in criteria.pms and c.pms_provable))
        and units_ok
    )


def classifier_accuracy() -> dict[str, Any]:
    """Per-vendor accuracy of the PMS link classifier on the real strong portal labels in
    ../shared/data (tests and evaluation only; the file is never shipped)."""
    import csv
    from collections import defaultdict

    from leadscout.research.read.pms import classify_url

    places = [p / "shared" / "data" / "pm_portal_labels.csv" for p in [*ROOT.parents, Path("/work")]]
    path = next((p for p in places if p.is_file()), None)
    if path is None:
        return {"error": "missing shared/data/pm_portal_labels.csv"}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["evidence_strength"] == "strong":
                match = classify_url(f"https://{row['pms_portal_host']}/")
                counts[row["pms"]][0] += int(match is not None and match.vendor == row["pms"])
                counts[row["pms"]][1] += 1
    return {
        vendor: {"correct": ok, "rows": n, "accuracy": round(ok / n, 4)} for vendor, (ok, n) in sorted(counts.items())
    }


def admin_dsn() -> str:
    external = os.environ.get("DATABASE_URL") or os.environ.get("POSTGRES_URL")
    return external or embedded.start(Path(tempfile.gettempdir()) / f"leadscout-bench-pg-{os.getuid()}")


async def one_request(
    name: str, spec: Any, world: World, server: SandboxServer, admin: str, llm: dict[str, Any]
) -> dict[str, Any]:
    text, extra = (spec, {}) if isinstance(spec, str) else spec
    criteria = parse_criteria({**parse_request(text), **extra})
    db = f"ls_quality_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')  # type: ignore[arg-type]
    dsn = make_conninfo(admin, dbname=db)
    try:
        migrate.upgrade(dsn)
        settings = server.settings_for(Settings(database_url=dsn, fetch_timeout=3.0, **llm))  # type: ignore[arg-type]
        pool = open_pool(dsn, settings)
        await pool.open(wait=True)
        store = Store(pool)
        # suppress two companies that would match: they must never be delivered
        possible = [c.domain for c in world.companies if truth_match(c, criteria)]
        suppressed = possible[: max(0, min(2, len(possible) - criteria.quantity))]  # keep it satisfiable
        for domain in suppressed:
            await store.add_blocked_domain(domain, "customer", "bench")
        strategy = "agent" if llm else "rules"
        options = {"sources": ["web"], "sandbox": {}, "strategy": strategy}
        run = await create_run(store, criteria, batch_size=10, options=options)
        started = time.monotonic()

        async def settled() -> bool:
            return await needs_no_more_work(store, run.id, COMPANY_QUEUES)

        await run_worker(settings, dsn, WorkerConfig(concurrency=4, install_signal_handlers=False, until=settled))
        wall = time.monotonic() - started
        final = await store.get_run(run.id)
        companies = await store.run_companies(run.id)
        contacts = await store.run_contacts(run.id)
        candidates = await store.candidate_stats(run.id)
        blocked = {r["domain"] for r in await store.list_blocked_domains()}
        spent = await store.usage_totals(run.id)
        events = await store.events_since(run.id)
        turns = [e.payload for e in events if e.event == "agent_turn"]
        replaced = [e.payload for e in events if e.event == "company_replaced"]
        await pool.close()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')  # type: ignore[arg-type]
    # what a run can deliver whole: a match whose people can be read (not behind a robots-closed team page)
    truth = [
        c for c in world.companies
        if truth_match(c, criteria) and c.domain not in blocked and not team_closed(c) and not bot_wall(c)
    ]  # fmt: skip
    correct = [c for c in companies if (w := world.by_domain.get(c.domain)) and truth_match(w, criteria)]
    pms_right = [c for c in companies if (w := world.by_domain.get(c.domain)) and c.pms == (w.pms or None)]
    unit_errors = [  # against what the site proves (its stated lower bound), not the unstated true count
        abs(c.units_estimate - low) / low
        for c in companies
        if c.units_estimate is not None and (w := world.by_domain.get(c.domain)) and (low := w.provable_units()[0])
    ]
    with_pms = [c for c in companies if (w := world.by_domain.get(c.domain)) and w.pms]
    domains = [c.domain for c in companies]
    fetches = sum(r["fetches"] for r in candidates)
    hard = {"location", "pms", "units_min", "units_max", "company_type"}
    unproven = [
        c for c in companies for v in c.verdicts if v.criterion in hard and (v.verdict != "true" or not v.evidence)
    ]
    return {
        **contact_quality(companies, contacts, world),
        "request": name,
        "text": text,
        "criteria": criteria.describe(),
        "target": criteria.quantity,
        "possible": len(truth),
        "found": len(companies),
        "status": final.status.value if final else None,
        "precision": round(len(correct) / len(companies), 4) if companies else None,
        "false_positives": [
            {
                "domain": c.domain,
                "units_estimate": c.units_estimate,
                "site_units": w.provable_units(),
                "pms": c.pms,
                "site_pms": w.pms,
                "city": c.city,
                "kind": w.kind,
            }
            for c in companies
            if (w := world.by_domain.get(c.domain)) and not truth_match(w, criteria)
        ],
        "replaced": [{k: r.get(k) for k in ("domain", "why", "pages_read", "people_seen")} for r in replaced],
        "missed": sorted({c.domain for c in truth} - set(domains)),  # deliverable, never delivered
        "reached": round(len(companies) / criteria.quantity, 3),
        "pms_label_accuracy": round(len(pms_right) / len(companies), 4) if companies else None,
        # the column users ask for most: how many delivered companies that use a PMS have it reported
        # (a self-managed firm in the world uses none, and reporting none is right for it)
        "pms_reported": round(sum(1 for c in with_pms if c.pms) / len(with_pms), 4) if with_pms else None,
        "unit_misses": [
            {"domain": c.domain, "units_estimate": c.units_estimate, "site_units": w.provable_units()}
            for c in companies
            if c.units_estimate is not None
            and (w := world.by_domain.get(c.domain))
            and (low := w.provable_units()[0])
            and abs(c.units_estimate - low) > 0.15 * low
        ],
        "unit_estimate_mean_abs_error": round(sum(unit_errors) / len(unit_errors), 4) if unit_errors else None,
        "duplicates": len(domains) - len(set(domains)),
        "blocked_violations": len(set(domains) & blocked),
        "companies_without_hard_evidence": len(unproven),
        "fetches_per_accepted": round(fetches / len(companies), 1) if companies else None,
        "candidates": len(candidates),
        "rejections_by_criterion": dict(rejection_summary(candidates)),
        # candidates behind a bot wall: never delivered, never read as "no PMS"
        "bot_walled": sum(1 for r in candidates if any("bot_protection" in str(x) for x in r["reasons"] or [])),
        "needs_browser": sum(1 for r in candidates if any("needs_browser" in str(x) for x in r["reasons"] or [])),
        "walled_delivered": sum(1 for c in companies if (w := world.by_domain.get(c.domain)) and bot_wall(w)),
        "fetches_by_outcome": fetches_by_outcome(candidates),
        "decision_options": [o.get("label") for o in (final.decision_options or [])] if final else [],
        "wall_seconds": round(wall, 1),
        "strategy": strategy,
        "usage": spent.model_dump(),
        "llm_requests_per_accepted": round(spent.llm_requests / len(companies), 2) if companies else None,
        "tokens_per_accepted": round(spent.tokens / len(companies), 1) if companies else None,
        "agent_turns": [t["ended"] for t in turns],
        "agent_found": sum(1 for c in companies if c.discovery_source == "web:agent"),
    }


def fetches_by_outcome(candidates: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Where verification's fetches went: per outcome (accepted, or the first criterion that failed),
    how many candidates and how many fetches, and how many were decided with no fetch at all."""
    out: dict[str, dict[str, int]] = {}
    for row in candidates:
        failed = [v["criterion"] for v in row["verdicts"] or [] if v.get("verdict") != "true"]
        key = row["status"] if row["status"] != "rejected" else f"rejected:{failed[0] if failed else '?'}"
        slot = out.setdefault(key, {"candidates": 0, "fetches": 0, "no_fetch": 0})
        slot["candidates"] += 1
        slot["fetches"] += row["fetches"] or 0
        slot["no_fetch"] += not row["fetches"]
    return out


def contact_quality(companies: list[Company], contacts: list[Contact], world: World) -> dict[str, Any]:
    """Contacts against the world's people (name + title + company), emails against their real
    mailboxes. An "invented" email is a kept address that does not exist at that company."""
    per_company = Counter(c.company_id for c in contacts)
    right_person = 0
    wrong: list[dict[str, Any]] = []
    valid = valid_right = kept = wrong_kept = invented = 0
    for ct in contacts:
        company = world.by_domain.get(ct.company_domain or "")
        people = {p.full_name: p for p in company.people} if company else {}
        person = people.get(ct.full_name)
        right_person += int(person is not None and person.title == ct.title)
        if person is None or person.title != ct.title:
            wrong.append({"domain": ct.company_domain, "name": ct.full_name, "title": ct.title,
                          "site_title": person.title if person else None})  # fmt: skip
        if ct.email:
            kept += 1
            true_email = person.email.lower() if person else None
            wrong_kept += int(ct.email.lower() != true_email)
            invented += int(company is None or ct.email.lower() not in company.mailboxes)
            if ct.email_status == "valid":
                valid += 1
                valid_right += int(ct.email.lower() == true_email)
    counts = [per_company.get(c.id, 0) for c in companies]
    return {
        "contacts": len(contacts),
        "contacts_per_company": f"{min(counts)}-{max(counts)}" if counts else "",
        "contact_precision": round(right_person / len(contacts), 4) if contacts else None,
        "contact_misses": wrong,
        "emails_kept": kept,
        "emails_valid": valid,
        "email_precision_valid": round(valid_right / valid, 4) if valid else None,
        "emails_wrong_kept": wrong_kept,
        "emails_invented": invented,
        "linkedin_urls": sum(1 for ct in contacts if ct.linkedin_url),
    }


async def main_async(args: argparse.Namespace, style: str) -> list[dict[str, Any]]:
    from contextlib import ExitStack

    from pydantic import SecretStr

    from leadscout.sandbox.llm import ResearcherBrain, ScriptedLLM

    admin = admin_dsn()
    rows = []
    with SandboxServer(seed=args.seed, style=style, timeout_seconds=6) as server, ExitStack() as stack:
        llm: dict[str, Any] = {}
        if args.strategy == "agent":
            if args.llm_base_url:
                llm = {"llm": args.llm_model, "llm_base_url": args.llm_base_url, "llm_api_key": SecretStr("none")}
            else:
                scripted = stack.enter_context(ScriptedLLM(ResearcherBrain()))
                key = SecretStr(scripted.api_key)
                llm = {"llm": "scripted-researcher", "llm_base_url": scripted.base_url, "llm_api_key": key}
        for name, spec in REQUESTS.items():
            if args.only and name not in args.only:
                continue
            rows.append(await one_request(name, spec, server.world, server, admin, llm) | {"style": style})
            print(
                f"  {style} {name}: {rows[-1]['found']}/{rows[-1]['target']} in {rows[-1]['wall_seconds']}s", flush=True
            )
    return rows


def _fmt(value: Any, spec: str) -> str:
    width = spec.lstrip(">").split(".")[0]
    return format(value, spec) if value is not None else format("-", f">{width}")


def real_text_path() -> Path | None:
    places = [p / "shared" / "data" / "real_pm_text.jsonl" for p in [*ROOT.parents, Path("/work")]]
    return next((p for p in places if p.is_file()), None)


def print_readers(table: dict[str, Any]) -> None:
    print("\nReaders on labelled real text (shared/data/real_pm_text.jsonl):")
    print(f"  {'reader':<8} {'rows':>4} {'recall':>7} {'precision':>9}  detail")
    u, p, m, pl = table["units"], table["people"], table["pms"], table["places"]
    print(f"  {'units':<8} {u['rows']:>4} {_fmt(u['recall'], '>7.3f')} {_fmt(u['precision'], '>9.3f')}  "
          f"{u['correct']} right of {u['stated']} stated, {u['claimed']} claimed")  # fmt: skip
    print(f"  {'people':<8} {p['rows']:>4} {_fmt(p['recall'], '>7.3f')} {_fmt(p['precision'], '>9.3f')}  "
          f"{p['correct']} of {p['labelled']} labelled ({p['not_in_text']} not in the text at all)")  # fmt: skip
    print(
        f"  {'pms':<8} {m['rows']:>4} {_fmt(m['accuracy'], '>7.3f')} {'':>9}  "
        "accuracy (vendor, or none for false signals)"
    )
    print(f"  {'places':<8} {pl['rows']:>4} {_fmt(pl['hq_accuracy'], '>7.3f')} {'':>9}  HQ on {pl['hq_rows']} plain "
          f"labels; served areas {pl['served_found']}/{pl['served_labelled']}")  # fmt: skip


def print_table(rows: list[dict[str, Any]]) -> None:
    agent = any(r["strategy"] == "agent" for r in rows)
    head = (
        f"{'request':<30} {'target':>6} {'possible':>8} {'found':>5} {'precision':>9} {'pms acc':>7} {'pms rep':>7} "
        f"{'unit err':>8} {'dups':>4} {'blocked':>7} {'walled':>6} {'no-proof':>8} {'fetch/acc':>9} {'contacts':>8} "
        f"{'per co':>6} {'ct prec':>7} {'valid':>5} {'em prec':>7} {'invented':>8} {'wall s':>7}"
    )
    head += f" {'by agent':>8} {'llm/acc':>7} {'tok/acc':>8}" if agent else ""
    print("\n" + head + "  status\n" + "-" * (len(head) + 8))
    for r in rows:
        line = (
            f"{r['request']:<30} {r['target']:>6} {r['possible']:>8} {r['found']:>5} {_fmt(r['precision'], '>9.3f')} "
            f"{_fmt(r['pms_label_accuracy'], '>7.3f')} {_fmt(r['pms_reported'], '>7.3f')} "
            f"{_fmt(r['unit_estimate_mean_abs_error'], '>8.3f')} "
            f"{r['duplicates']:>4} {r['blocked_violations']:>7} {r['bot_walled']:>6} "
            f"{r['companies_without_hard_evidence']:>8} "
            f"{_fmt(r['fetches_per_accepted'], '>9.1f')} {r['contacts']:>8} {r['contacts_per_company']:>6} "
            f"{_fmt(r['contact_precision'], '>7.3f')} {r['emails_valid']:>5} "
            f"{_fmt(r['email_precision_valid'], '>7.3f')} {r['emails_invented']:>8} {r['wall_seconds']:>7.1f}"
        )
        if agent:
            line += (
                f" {r['agent_found']:>8} {_fmt(r['llm_requests_per_accepted'], '>7.2f')} "
                f"{_fmt(r['tokens_per_accepted'], '>8.0f')}"
            )
        print(line + f"  {r['status']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--strategy", choices=("rules", "agent"), default="rules")
    parser.add_argument("--llm-base-url", help="agent strategy: a real OpenAI-compatible model instead of the script")
    parser.add_argument("--llm-model", default="local", help="the model name at --llm-base-url")
    parser.add_argument("--classifier-only", action="store_true", help="only the real-data PMS classifier check")
    parser.add_argument("--readers-only", action="store_true", help="only the reader table on labelled real text")
    parser.add_argument("--style", choices=("classic", "wild", "both"), default="both")
    parser.add_argument("--json-out", type=Path, help="default bench/results/quality[_agent].json")
    args = parser.parse_args()
    suffix = "_agent" if args.strategy == "agent" else ""
    args.json_out = args.json_out or ROOT / "bench" / "results" / f"quality{suffix}.json"
    classifier = classifier_accuracy()
    print("PMS link classifier on real strong portal labels (per vendor):")
    for vendor, stats in classifier.items():
        print(f"  {vendor:<14} {stats}")
    from leadscout.research.read.scoring import reader_table

    text = real_text_path()
    readers = reader_table(text) if text else {"error": "missing shared/data/real_pm_text.jsonl"}
    if text:
        print_readers(readers)
    styles = ["classic", "wild"] if args.style == "both" else [args.style]
    rows: list[dict[str, Any]] = []
    if not (args.classifier_only or args.readers_only):
        for style in styles:
            rows += asyncio.run(main_async(args, style))
        for style in styles:
            print(f"\nstyle: {style}")
            print_table([r for r in rows if r["style"] == style])
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    report = {"seed": args.seed, "requests": rows, "pms_classifier_real_data": classifier, "readers": readers}
    args.json_out.write_text(json.dumps(report, indent=2))
    print(f"\nwrote {args.json_out}")


if __name__ == "__main__":
    main()
