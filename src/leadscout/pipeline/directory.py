"""``leadscout directory import``: load known companies (and optional known contacts) from
CSV or JSON into the research directory. Bad rows are reported, never fatal."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leadscout import vendors
from leadscout.db.store import Store
from leadscout.domains import InvalidDomain, company_domain
from leadscout.errors import ImportFileError
from leadscout.geo import state_code
from leadscout.models import DirectoryCompany, DirectoryContact

# column -> accepted spellings (the second set matches public PM directory exports)
_COLUMNS = {
    "name": ("name", "company_name", "company"),
    "website": ("website", "url", "company_url"),
    "domain": ("domain",),
    "city": ("city", "listing_city", "hq_city"),
    "state": ("state", "listing_state", "state_code", "hq_state"),
    "pms": ("pms",),
    "units": ("units", "doors_managed", "unit_count", "units_estimate"),
    "contact_name": ("contact_name", "full_name"),
    "contact_title": ("contact_title", "title"),
    "contact_email": ("contact_email", "email"),
}
MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass
class ImportReport:
    rows: int = 0
    companies_added: int = 0
    companies_updated: int = 0
    contacts_added: int = 0
    errors: list[str] = field(default_factory=list)


def _pick(row: dict[str, Any], key: str) -> str | None:
    for name in _COLUMNS[key]:
        value = row.get(name)
        if value is not None and str(value).strip():
            return str(value).strip()
    return None


def _check_file(path: Path) -> None:
    if not path.is_file():
        raise ImportFileError(f"no such file: {path}")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ImportFileError(f"{path} is larger than {MAX_FILE_BYTES // 2**20} MiB")


def _not_utf8(path: Path, exc: UnicodeDecodeError) -> ImportFileError:
    return ImportFileError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})")


def read_domain_list(path: Path) -> list[str]:
    """Domains from a text file (one per line) or a CSV with a ``domain`` or ``website`` column,
    as written; blank values are kept so line numbers stay right."""
    _check_file(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, exc) from None
    if path.suffix.lower() != ".csv":
        return [line.strip() for line in text.splitlines()]
    try:
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or not {"domain", "website"} & set(reader.fieldnames):
            raise ImportFileError(f"{path}: the CSV needs a header row with a 'domain' or 'website' column")
        return [str(row.get("domain") or row.get("website") or "").strip() for row in reader]
    except csv.Error as exc:
        raise ImportFileError(f"{path} is not valid CSV: {exc}") from None


def read_rows(path: Path) -> Iterator[dict[str, Any]]:
    _check_file(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            items = data.get("companies", data) if isinstance(data, dict) else data
            if not isinstance(items, list):
                raise ImportFileError(f'{path}: expected a JSON list of companies or {{"companies": [...]}}')
            for item in items:
                yield item if isinstance(item, dict) else {"__invalid__": repr(item)[:80]}
        elif suffix in (".csv", ".txt"):
            with path.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                if not reader.fieldnames or not any(n in reader.fieldnames for n in _COLUMNS["name"]):
                    raise ImportFileError(f"{path}: the CSV needs a header row with a 'name' column")
                yield from reader
        else:
            raise ImportFileError(f"{path}: use a .csv or .json file")
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, exc) from None
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"{path} is not valid JSON: {exc.msg} (line {exc.lineno})") from None
    except csv.Error as exc:
        raise ImportFileError(f"{path} is not valid CSV: {exc}") from None


def parse_row(row: dict[str, Any], source: str) -> tuple[DirectoryCompany, DirectoryContact | None]:
    """One directory row -> typed records; raises ValueError/InvalidDomain with the reason."""
    if "__invalid__" in row:
        raise ValueError(f"not an object: {row['__invalid__']}")
    name = _pick(row, "name")
    if not name:
        raise ValueError("no company name")
    site = _pick(row, "website") or _pick(row, "domain")
    if not site:
        raise ValueError("no website or domain")
    domain = company_domain(site)
    website = _pick(row, "website")
    if website and "://" not in website:
        website = "https://" + website
    raw_state = _pick(row, "state")
    state = state_code(raw_state) if raw_state else None
    if raw_state and state is None:
        raise ValueError(f"unknown state {raw_state!r}")
    raw_units = _pick(row, "units")
    units = None
    if raw_units:
        try:
            units = int(float(raw_units.replace(",", "")))
        except ValueError:
            raise ValueError(f"units is not a number: {raw_units!r}") from None
        if units < 0:
            raise ValueError(f"negative units: {units}")
    raw_pms = _pick(row, "pms")
    pms = vendors.resolve(raw_pms) if raw_pms and raw_pms.lower() != "unknown" else None
    city = _pick(row, "city")
    company = DirectoryCompany(
        name=name[:300],
        domain=domain,
        website=website or f"https://{domain}",
        city=" ".join(city.split()).title() if city else None,
        state=state,
        pms=pms,
        units=units,
        source=source,
    )
    contact = None
    contact_name = _pick(row, "contact_name")
    if contact_name:
        contact = DirectoryContact(
            domain=domain,
            full_name=contact_name[:200],
            title=_pick(row, "contact_title"),
            email=_pick(row, "contact_email"),
            source=source,
        )
    return company, contact


async def import_file(store: Store, path: Path, *, source: str | None = None) -> ImportReport:
    report = ImportReport()
    label = source or path.name
    rows = list(read_rows(path))
    async with store.transaction() as conn:
        for number, row in enumerate(rows, start=2 if path.suffix.lower() != ".json" else 1):
            report.rows += 1
            try:
                company, contact = parse_row(row, label)
            except (ValueError, InvalidDomain) as exc:
                report.errors.append(f"row {number}: {exc}")
                continue
            if await store.upsert_directory_company(company, conn):
                report.companies_added += 1
            else:
                report.companies_updated += 1
            if contact and await store.upsert_directory_contact(contact, conn):
                report.contacts_added += 1
    return report
