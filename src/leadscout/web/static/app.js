// leadscout dashboard: calls the REST API and follows a run's Server-Sent Events. No build step.
"use strict";

const api = async (method, path, body) => {
  const response = await fetch(path, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
    credentials: "same-origin",
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const problem = data || {};
    throw new Error(problem.detail || problem.title || `HTTP ${response.status}`);
  }
  return data;
};

const show = (el, text) => { el.textContent = text; el.hidden = !text; };
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

// -- new run -------------------------------------------------------------------------------------
function launchFrom(form) {
  const f = new FormData(form);
  const text = (name) => (f.get(name) || "").toString().trim();
  const num = (name) => (text(name) === "" ? null : Number(text(name)));
  const body = {
    request: text("request") || null,
    quantity: num("quantity"),
    state: text("state") || null,
    cities: text("cities") ? text("cities").split(",").map((c) => c.trim()).filter(Boolean) : [],
    pms: f.getAll("pms").map(String),
    units_min: num("units_min"),
    units_max: num("units_max"),
    contacts_min: num("contacts_min"),
    contacts_max: num("contacts_max"),
    geo_scope: text("geo_scope") || null,
    max_usd: num("max_usd"),
    preview: f.get("preview") === "on",
  };
  for (const key of Object.keys(body)) if (body[key] === null) delete body[key];
  return body;
}

function setupNewRun() {
  const form = document.getElementById("new-run");
  if (!form) return;
  const understood = document.getElementById("understood");
  const error = document.getElementById("form-error");
  const start = document.getElementById("start");
  const check = async () => {
    show(error, "");
    try {
      const u = await api("POST", "/api/v1/runs/parse", launchFrom(form));
      understood.innerHTML = `<b>Understood${u.parser === "llm" ? " (by the language model)" : ""}:</b> <span data-summary>${esc(u.summary)}</span>` +
        (u.notes.length ? `<ul>${u.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>` : "") +
        `<div class="small muted">sources: ${esc(u.options.sources.join(", "))} · strategy: ${esc(u.options.strategy)}${u.options.preview ? " · preview first" : ""}</div>`;
      understood.hidden = false;
      start.disabled = false;
    } catch (e) {
      understood.hidden = true;
      start.disabled = true;
      show(error, e.message);
    }
  };
  document.getElementById("check").addEventListener("click", check);
  form.addEventListener("input", () => { start.disabled = true; });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    start.disabled = true;
    try {
      const run = await api("POST", "/api/v1/runs", launchFrom(form));
      window.location.assign(run.links.page);
    } catch (e) {
      show(error, e.message);
    }
  });
}

// -- run page --------------------------------------------------------------------------------------
const LABELS = {
  run_created: (p) => `Run created: ${p.summary || ""}`,
  batch_started: (p) => `Batch ${p.batch_no} started (${p.requested} wanted)`,
  batch_completed: (p) => `Batch ${p.batch_no}: ${p.found}/${p.requested} found`,
  company_accepted: (p) => `Accepted ${p.name} (${p.domain})`,
  company_dropped: (p) => `Dropped ${p.domain}: ${p.reason}`,
  stage_advanced: () => "Stage advanced",
  contacts_found: (p) => `${p.contacts} contact(s) for ${p.domain}`,
  needs_user_decision: (p) => `Needs your decision (${(p.reason || "").replace(/_/g, " ")})`,
  run_completed: (p) => `Completed with ${p.companies} companies`,
  agent_turn: (p) => `Agent turn ${p.turn}: ${p.ended}, ${p.accepted} accepted, ${p.requests} LLM requests`,
  user_decision: (p) => `Decision: ${(p.action || "").replace(/_/g, " ")}`,
  email_verification_notice: (p) => `Email verification: ${p.message}`,
  company_replaced: (p) => `Replaced ${p.domain}: ${p.why || ""}`,
};
const REFRESH_ON = new Set(["batch_completed", "company_accepted", "company_dropped", "stage_advanced", "needs_user_decision",
  "run_completed", "run_resumed", "partial_accepted", "rediscovery_started", "run_failed", "run_cancelled", "contacts_found", "user_decision"]);

function setupRun() {
  const root = document.getElementById("run");
  if (!root) return;
  const runId = root.dataset.run;
  const feed = document.getElementById("events");
  const dot = document.getElementById("live-dot");
  let companiesOffset = 0;
  let pending = null;

  const refresh = () => {
    if (pending) return;
    pending = setTimeout(async () => {
      pending = null;
      const [summary, companies] = await Promise.all([
        fetch(`/runs/${runId}/_summary`, { credentials: "same-origin" }).then((r) => r.text()),
        fetch(`/runs/${runId}/_companies?offset=${companiesOffset}`, { credentials: "same-origin" }).then((r) => r.text()),
      ]);
      document.getElementById("summary").outerHTML = summary;
      document.getElementById("companies").outerHTML = companies;
    }, 300);
  };

  const source = new EventSource(`/api/v1/runs/${runId}/events`);
  source.onopen = () => { dot.classList.add("on"); dot.title = "connected"; };
  source.onerror = () => { dot.classList.remove("on"); dot.title = "reconnecting…"; };
  source.onmessage = (message) => {
    const event = JSON.parse(message.data);
    const label = (LABELS[event.event] || (() => event.event.replace(/_/g, " ")))(event.payload || {});
    const item = document.createElement("li");
    item.dataset.eventId = event.id;
    item.dataset.event = event.event;
    const when = new Date(event.created_at).toLocaleTimeString();
    item.innerHTML = `<time>${esc(when)}</time>${esc(label)}`;
    feed.prepend(item);
    if (REFRESH_ON.has(event.event)) refresh();
  };
  source.addEventListener("end", () => { source.close(); dot.classList.remove("on"); dot.title = "finished"; refresh(); });

  document.addEventListener("click", async (event) => {
    const pageLink = event.target.closest("#companies .pager a[data-offset]");
    if (pageLink) {
      event.preventDefault();
      companiesOffset = Number(pageLink.dataset.offset);
      refresh();
      return;
    }
    const decide = event.target.closest("button.decide");
    if (decide) {
      decide.disabled = true;
      const suggestion = JSON.parse(decide.dataset.suggestion || "{}");
      const body = { action: decide.dataset.action };
      if (suggestion.cities && suggestion.cities.length) body.cities = suggestion.cities;
      if (suggestion.pms) body.pms = suggestion.pms;
      if (suggestion.units_min !== undefined) body.units_min = suggestion.units_min;
      if (suggestion.max_usd !== undefined) body.max_usd = suggestion.max_usd;
      if (suggestion.max_llm_requests !== undefined) body.max_llm_requests = suggestion.max_llm_requests;
      try {
        await api("POST", `/api/v1/runs/${runId}/decision`, body);
        window.location.reload();  // the stream ended with the decision wait: follow the resumed run
      } catch (e) {
        decide.disabled = false;
        alert(e.message);
      }
    }
  });
}

// -- company drawer (any page with a companies table) ---------------------------------------------
function setupDrawer() {
  const drawer = document.getElementById("drawer");
  if (!drawer) return;
  const body = drawer.querySelector(".drawer-body");
  const close = () => { drawer.hidden = true; body.innerHTML = ""; };
  const open = async (row) => {
    const runId = row.closest("[data-run]").dataset.run;
    body.innerHTML = "<p class='muted'>Loading…</p>";
    drawer.hidden = false;
    const response = await fetch(`/runs/${runId}/companies/${row.dataset.company}`, { credentials: "same-origin" });
    body.innerHTML = await response.text();
    drawer.querySelector(".drawer-close").focus();
  };
  document.addEventListener("click", (event) => {
    const row = event.target.closest("tr.company");
    if (row) open(row);
    if (event.target === drawer || event.target.closest(".drawer-close")) close();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !drawer.hidden) close();
    const row = event.target.closest && event.target.closest("tr.company");
    if (row && event.key === "Enter") open(row);
  });
}

// -- workers and suppression ------------------------------------------------------------------------
function setupAdmin() {
  document.addEventListener("click", async (event) => {
    const stop = event.target.closest("button.stop-worker");
    const remove = event.target.closest("button.unsuppress");
    try {
      if (stop) { stop.disabled = true; await api("POST", `/api/v1/workers/${encodeURIComponent(stop.dataset.worker)}/stop`); window.location.reload(); }
      if (remove) { remove.disabled = true; await api("DELETE", `/api/v1/suppression/${encodeURIComponent(remove.dataset.domain)}`); window.location.reload(); }
    } catch (e) { alert(e.message); }
  });
  const form = document.getElementById("suppress");
  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const f = new FormData(form);
      const domains = String(f.get("domains")).split(/[\s,]+/).filter(Boolean);
      try {
        await api("POST", "/api/v1/suppression", { domains, reason: String(f.get("reason") || "manual") });
        window.location.reload();
      } catch (e) { show(document.getElementById("suppress-error"), e.message); }
    });
  }
}

// -- runs list: live progress for active runs --------------------------------------------------------
function setupRunsList() {
  const table = document.querySelector("[data-live-runs]");
  if (!table || !table.querySelector('tr[data-status="active"]')) return;
  setTimeout(() => window.location.reload(), 5000);
}

document.addEventListener("DOMContentLoaded", () => {
  setupNewRun();
  setupRun();
  setupDrawer();
  setupAdmin();
  setupRunsList();
});
