"""The dashboard: server-rendered pages (Jinja2) with a little vanilla JS (static/app.js) that
calls the REST API and follows a run's event stream. Every list is paged; nothing loads a whole
table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from leadscout import vendors
from leadscout.api import reads
from leadscout.api.deps import TOKEN_COOKIE, Context, context_of, require_token
from leadscout.api.problems import Problem
from leadscout.api.schemas import MAX_PAGE
from leadscout.pipeline.runs import summarize

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
Ctx = Annotated[Context, Depends(context_of)]
PAGE = 25


def signed_in(request: Request) -> None:
    """Pages send a browser without the token to the sign-in page instead of a 401."""
    try:
        require_token(request)
    except Problem:
        raise _SignIn() from None


class _SignIn(Exception):
    pass


pages = APIRouter(include_in_schema=False)
guarded = [Depends(signed_in)]


def render(request: Request, name: str, **values: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, values)


@pages.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, error: str = "") -> HTMLResponse:
    return render(request, "login.html", error=error)


@pages.post("/login")
async def login(request: Request, ctx: Ctx, token: Annotated[str, Form(max_length=500)]) -> Response:
    if not ctx.config.token or token != ctx.config.token:
        return RedirectResponse("/login?error=wrong+token", status_code=303)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return response


@pages.get("/", response_class=HTMLResponse, dependencies=guarded)
async def runs_page(
    request: Request,
    ctx: Ctx,
    status: Annotated[str | None, Query(max_length=30)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    wanted = status if status in ("active", "needs_user_decision", "completed", "failed", "cancelled") else None
    listing = await reads.runs(ctx.store, status=wanted, limit=PAGE, offset=(page - 1) * PAGE)
    pages_total = max(1, -(-listing.total // PAGE))
    return render(request, "runs.html", runs=listing, status=wanted, page=page, pages=pages_total, nav="runs")


@pages.get("/runs/new", response_class=HTMLResponse, dependencies=guarded)
async def new_run_page(request: Request, ctx: Ctx) -> HTMLResponse:
    return render(
        request,
        "new_run.html",
        vendors=[(v.slug, v.name) for v in vendors.vendors()],
        sandbox=ctx.config.sandbox_seed is not None,
        llm=ctx.llm is not None,
        nav="new",
    )


@pages.get("/runs/{run_id}", response_class=HTMLResponse, dependencies=guarded)
async def run_page(request: Request, run_id: UUID, ctx: Ctx) -> HTMLResponse:
    summary = await summarize(ctx.store, run_id)
    companies = await reads.companies(ctx.store, run_id, limit=PAGE, offset=0)
    return render(request, "run.html", run=summary, companies=companies, page_size=PAGE)


@pages.get("/runs/{run_id}/_summary", response_class=HTMLResponse, dependencies=guarded)
async def run_summary_fragment(request: Request, run_id: UUID, ctx: Ctx) -> HTMLResponse:
    return render(request, "_summary.html", run=await summarize(ctx.store, run_id))


@pages.get("/runs/{run_id}/_companies", response_class=HTMLResponse, dependencies=guarded)
async def companies_fragment(
    request: Request,
    run_id: UUID,
    ctx: Ctx,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = PAGE,
) -> HTMLResponse:
    companies = await reads.companies(ctx.store, run_id, limit=limit, offset=offset)
    return render(request, "_companies.html", run_id=run_id, companies=companies, page_size=limit)


@pages.get("/runs/{run_id}/companies/{company_id}", response_class=HTMLResponse, dependencies=guarded)
async def company_drawer(request: Request, run_id: UUID, company_id: UUID, ctx: Ctx) -> HTMLResponse:
    detail = await reads.company(ctx.store, run_id, company_id)
    return render(request, "_company.html", detail=detail, run_id=run_id)


@pages.get("/workers", response_class=HTMLResponse, dependencies=guarded)
async def workers_page(request: Request, ctx: Ctx) -> HTMLResponse:
    return render(request, "workers.html", workers=await reads.workers(ctx.store), nav="workers")


@pages.get("/suppression", response_class=HTMLResponse, dependencies=guarded)
async def suppression_page(
    request: Request, ctx: Ctx, page: Annotated[int, Query(ge=1, le=100_000)] = 1
) -> HTMLResponse:
    listing = await reads.suppression(ctx.store, limit=100, offset=(page - 1) * 100)
    pages_total = max(1, -(-listing.total // 100))
    return render(request, "suppression.html", listing=listing, page=page, pages=pages_total, nav="suppression")


@pages.get("/monitors", response_class=HTMLResponse, dependencies=guarded)
async def monitors_page(request: Request, ctx: Ctx) -> HTMLResponse:
    """Each monitor with its schedule, its last runs and what each delivered."""
    monitors = await ctx.store.list_monitors()
    runs = {m.id: await ctx.store.list_monitor_runs(m.id, limit=5) for m in monitors}
    return render(request, "monitors.html", monitors=monitors, runs=runs, nav="monitors")


def install_sign_in(app: FastAPI) -> None:
    async def to_login(request: Request, exc: Exception) -> Response:
        return RedirectResponse("/login", status_code=303)

    app.add_exception_handler(_SignIn, to_login)
