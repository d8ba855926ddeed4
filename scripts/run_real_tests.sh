#!/usr/bin/env bash
# The seed's real test suite (REAL_TESTING_GUIDE.md), step by step, against a real PostgreSQL:
# DATABASE_URL / POSTGRES_URL when set, else the embedded server. No API key is needed: the web
# is the generated sandbox world, and the LLM steps use a scripted model and a tiny offline one.
#   --yes    skip the confirmation before the long steps (also when CI=true)
#   --bench  also run `leadscout bench baseline` (about 25 minutes) and write PERFORMANCE_BASELINE.md
set -uo pipefail
cd "$(dirname "$0")/.."
YES=0
BENCH=0
for arg in "$@"; do
    [ "$arg" = "--yes" ] && YES=1
    [ "$arg" = "--bench" ] && BENCH=1
done
[ "${CI:-}" = "true" ] && YES=1
PY=.venv/bin/python
LS=.venv/bin/leadscout
LINE="=================================="
RESULTS=()
FAILED=0
step() { printf '\n%s\n%s\n%s\n\n' "$LINE" "$1" "$LINE"; }

# run_tests LABEL PYTEST-ARGS...: one step of the suite, recorded for the summary
run_tests() {
    local label=$1
    shift
    local start elapsed
    start=$(date +%s)
    if "$PY" -m pytest "$@" -v -s -p no:warnings -p no:cacheprovider; then
        elapsed=$(( $(date +%s) - start ))
        echo "✅ $label PASSED (${elapsed}s)"
        RESULTS+=("  ✅ $label: PASSED (${elapsed}s)")
    else
        elapsed=$(( $(date +%s) - start ))
        echo "❌ $label FAILED (${elapsed}s)"
        RESULTS+=("  ❌ $label: FAILED (${elapsed}s)")
        FAILED=1
    fi
}

step "REAL PRODUCTION TEST SUITE"
echo "Checking prerequisites..."
if [ ! -x "$LS" ]; then
    echo "❌ leadscout is not installed: run ./scripts/test.sh once (it creates .venv)"; exit 1
fi
if [ -n "${DATABASE_URL:-${POSTGRES_URL:-}}" ]; then
    echo "✅ DATABASE_URL is set"
else
    echo "✅ DATABASE_URL is not set: using the embedded PostgreSQL"
fi
if [ -n "${OPENAI_API_KEY:-}" ]; then echo "✅ OPENAI_API_KEY is set (not needed by these tests)"; else
    echo "✅ OPENAI_API_KEY not needed: the LLM steps use a scripted model and a tiny offline one"; fi

step "STEP 1: Database Permissions"
ROLE=${LEADSCOUT_WORKER_ROLE:-leadscout_worker}
echo "Worker role: $ROLE"
if "$LS" db grant "$ROLE" --create; then
    echo "✅ Permissions granted successfully"
    RESULTS+=("  ✅ Database permissions: OK")
else
    echo "⚠️  Could not grant permissions (continuing: the tests use their own databases)"
    RESULTS+=("  ⚠️  Database permissions: not granted (the tests use their own databases)")
fi

step "STEP 2: Database Integration Test"
echo "Testing heartbeat system with real database..."
run_tests "Database integration" "tests/integration/test_real_25_company_run.py::test_database_heartbeat_integration"
[ "$FAILED" -eq 0 ] || { echo "❌ stopping: the database is not usable"; exit 1; }

step "STEP 3: Full 25-Company Test"
if [ "$YES" -ne 1 ]; then
    echo "⚠️  The next steps will:"
    echo "   - Run full pipelines with real worker processes on the sandbox web (about 6 minutes)"
    echo "   - kill -9 workers, restart a PostgreSQL, inject provider faults, drive a browser"
    echo "   - Create (and clean up) test data in scratch databases"
    read -r -p "Do you want to proceed? (yes/no): " answer
    [ "$answer" = "yes" ] || { echo "Skipped the full tests."; printf '%s\n' "${RESULTS[@]}"; exit 0; }
fi
echo "Starting full 25-company test..."
run_tests "25-company test" "tests/integration/test_real_25_company_run.py::test_real_25_company_run_with_batching"

step "STEP 4: Worker Crash Recovery (kill -9, SIGTERM, PostgreSQL restart)"
run_tests "Crash recovery" tests/e2e/test_worker_drills.py tests/e2e/test_chaos.py

step "STEP 5: Provider Faults (5xx, 429, timeouts, slow, truncated, garbage, DNS)"
run_tests "Provider faults" tests/e2e/test_faults.py

step "STEP 6: Real Web Runs on the Sandbox, Agents and MCP"
run_tests "Sandbox runs, agents, MCP" tests/e2e/test_sandbox_runs.py tests/e2e/test_agent_runs.py \
    tests/e2e/test_tiny_llm.py tests/e2e/test_mcp_server.py

step "STEP 7: Dashboard in a Browser, REST API"
run_tests "Dashboard and API" tests/e2e/test_dashboard_browser.py tests/integration/test_api.py \
    tests/integration/test_api_schema.py

step "STEP 8: Security"
run_tests "Security" tests/e2e/test_security.py tests/unit/test_sql_safety.py

if [ "$BENCH" -eq 1 ]; then
    step "STEP 9: Performance Baseline"
    start=$(date +%s)
    if "$LS" bench baseline --out PERFORMANCE_BASELINE.md; then
        RESULTS+=("  ✅ Performance baseline: written to PERFORMANCE_BASELINE.md ($(( $(date +%s) - start ))s)")
    else
        RESULTS+=("  ❌ Performance baseline: FAILED"); FAILED=1
    fi
fi

step "TEST SUITE COMPLETE"
echo "Results:"
printf '%s\n' "${RESULTS[@]}"
if [ "$FAILED" -eq 0 ]; then
    echo ""
    echo "Your system is production-ready! 🚀"
fi
exit "$FAILED"
