"""Export a run's companies and contacts. Column names are stable: scripts depend on them
(documented in the README)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any
from uuid import UUID

from leadscout.db.store import Store
from leadscout.errors import UserError
from leadscout.models import Company, CompanyFacts, Contact
from leadscout.pipeline.runs import get_run_or_raise

COMPANY_COLUMNS = [
    "company_name",
    "domain",
    "website",
    "city",
    "state",
    "pms",
    "pms_confidence",
    "pms_evidence_url",
    "units_estimate",
    "units_evidence",
    "company_type",
    "fit_score",
    "fit_reasons",
    "criteria_verdicts",
    "sources",
    "discovered_via",
    "run_id",
]
CONTACT_COLUMNS = [
    "company_domain",
    "company_name",
    "full_name",
    "title",
    "seniority",
    "email",
    "email_status",
    "email_source",
    "linkedin_url",
    "phone",
    "evidence_url",
    "run_id",
]
FORMATS = ("csv", "json", "xlsx")


async def export_rows(store: Store, run_id: UUID | str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    run = await get_run_or_raise(store, run_id)
    companies = await store.run_companies(run.id, run.target_quantity)
    delivered = {c.id for c in companies}
    research = {
        cid: CompanyFacts.model_validate(row["facts"]) for cid, row in (await store.get_research(run.id)).items()
    }
    company_rows = [_company_row(c, research.get(c.id), str(run.id)) for c in companies]
    contact_rows = [
        _contact_row(ct, str(run.id)) for ct in await store.run_contacts(run.id) if ct.company_id in delivered
    ]
    return company_rows, contact_rows


def _contact_row(ct: Contact, run_id: str) -> dict[str, Any]:
    return {
        "company_domain": ct.company_domain,
        "company_name": ct.company_name,
        "full_name": ct.full_name,
        "title": ct.title or "",
        "seniority": "" if ct.seniority is None else ct.seniority,
        "email": ct.email or "",
        "email_status": ct.email_status or "",
        "email_source": ct.email_source or "",
        "linkedin_url": ct.linkedin_url or "",
        "phone": ct.phone or "",
        "evidence_url": next((e.url for e in ct.evidence if e.url), ""),
        "run_id": run_id,
    }


def _company_row(c: Company, facts: CompanyFacts | None, run_id: str) -> dict[str, Any]:
    verdicts = {v.criterion: v for v in c.verdicts}
    pms_v, units_v = verdicts.get("pms"), verdicts.get("units_min") or verdicts.get("units_max")
    researched_pms = next((p for p in facts.pms if p.vendor == c.pms), None) if facts and facts.pms else None
    if facts and facts.pms and researched_pms is None and not c.pms:
        researched_pms = facts.pms[0]
    pms_ev = (pms_v.evidence[0] if pms_v and pms_v.evidence else None) or (
        researched_pms.evidence[0] if researched_pms and researched_pms.evidence else None
    )
    units_fact = facts.units_estimate if facts else None
    units_ev = (units_v.evidence[0] if units_v and units_v.evidence else None) or (
        units_fact.evidence[0] if units_fact and units_fact.evidence else None
    )
    directory_quote = next((e.quote for e in c.evidence if e.quote and e.source.startswith("directory")), "")
    units = (
        c.units_estimate
        if c.units_estimate is not None
        else (units_fact.value if units_fact and units_fact.known else None)
    )
    return {
        "company_name": c.name,
        "domain": c.domain,
        "website": c.website or "",
        "city": c.city or "",
        "state": c.state or "",
        "pms": c.pms or (researched_pms.vendor if researched_pms else ""),
        "pms_confidence": researched_pms.confidence
        if researched_pms
        else ("directory" if c.pms and directory_quote else ""),
        "pms_evidence_url": pms_ev.url if pms_ev and pms_ev.url else "",
        "units_estimate": "" if units is None else units,
        "units_evidence": units_ev.quote if units_ev else (directory_quote if units is not None else ""),
        "company_type": c.company_type or (str(facts.company_type.value) if facts and facts.company_type.known else ""),
        "fit_score": "" if c.fit_score is None else float(c.fit_score),
        "fit_reasons": "; ".join(facts.fit_reasons) if facts else "",
        "criteria_verdicts": "; ".join(f"{v.criterion}={v.verdict.value} ({v.detail})" for v in c.verdicts),
        "sources": " | ".join(sorted({e.url or e.source for e in c.evidence})),
        "discovered_via": c.discovery_source,
        "run_id": run_id,
    }


async def export_run(store: Store, run_id: UUID | str, out_dir: Path, fmt: str = "csv") -> dict[str, str]:
    if fmt not in FORMATS:
        raise UserError(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
    companies, contacts = await export_rows(store, run_id)
    run = await get_run_or_raise(store, run_id)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "companies": out_dir / f"companies_{run.id}.{fmt}",
        "contacts": out_dir / f"contacts_{run.id}.{fmt}",
    }
    _write(paths["companies"], COMPANY_COLUMNS, companies, fmt)
    _write(paths["contacts"], CONTACT_COLUMNS, contacts, fmt)
    return {k: str(v) for k, v in paths.items()}


def _write(path: Path, columns: list[str], rows: list[dict[str, Any]], fmt: str) -> None:
    """Write to a temporary file, then rename: a reader never sees half a file."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    if fmt == "csv":
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows({k: _safe_cell(v) for k, v in row.items()} for row in rows)
    elif fmt == "xlsx":
        _write_xlsx(tmp, columns, rows)
    else:
        tmp.write_text(json.dumps(rows, indent=2, default=str), encoding="utf-8")
    tmp.replace(path)


def _write_xlsx(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    from openpyxl import Workbook  # imported here: only xlsx exports pay for it

    book = Workbook(write_only=True)
    sheet = book.create_sheet("leads")
    sheet.append(columns)
    for row in rows:
        sheet.append([_safe_cell(row.get(col, "")) for col in columns])
    book.save(path)


def _safe_cell(value: Any) -> Any:
    """Text from the web that starts with = + - @ would run as a formula in a spreadsheet."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
