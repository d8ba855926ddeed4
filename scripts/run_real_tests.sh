#!/usr/bin/env bash
# The seed's real test suite (REAL_TESTING_GUIDE.md), step by step, against a real PostgreSQL:
# DATABASE_URL / POSTGRES_URL when set, else the embedded server. No API key is needed: the
# research directory is the generated sandbox world. Use --yes (or CI=true) to skip the prompt.
set -uo pipefail
cd "$(dirname "$0")/.."
YES=0
for arg in "$@"; do [ "$arg" = "--yes" ] && YES=1; done
[ "${CI:-}" = "true" ] && YES=1
PY=.venv/bin/python
LS=.venv/bin/leadscout
LINE="=================================="
step() { printf '\n%s\n%s\n%s\n\n' "$LINE" "$1" "$LINE"; }

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
    echo "✅ OPENAI_API_KEY not needed: the deterministic pipeline runs without an LLM"; fi

step "STEP 1: Database Permissions"
ROLE=${LEADSCOUT_WORKER_ROLE:-leadscout_worker}
echo "Worker role: $ROLE"
if "$LS" db grant "$ROLE" --create; then echo "✅ Permissions granted successfully"; else
    echo "⚠️  Could not grant permissions (continuing: the tests use their own databases)"; fi

step "STEP 2: Database Integration Test"
echo "Testing heartbeat system with real database..."
if "$PY" -m pytest "tests/integration/test_real_25_company_run.py::test_database_heartbeat_integration" -v -s -p no:warnings; then
    echo "✅ Database integration test PASSED"
else
    echo "❌ Database integration test FAILED"; exit 1
fi

step "STEP 3: Full 25-Company Test"
if [ "$YES" -ne 1 ]; then
    echo "⚠️  The next test will:"
    echo "   - Run a full 25-company pipeline with real workers"
    echo "   - Create (and clean up) test data in a scratch database"
    read -r -p "Do you want to proceed? (yes/no): " answer
    [ "$answer" = "yes" ] || { echo "Skipped the full test."; exit 0; }
fi
echo "Starting full 25-company test..."
start=$(date +%s)
if "$PY" -m pytest "tests/integration/test_real_25_company_run.py::test_real_25_company_run_with_batching" -v -s -p no:warnings; then
    full="PASSED"
else
    full="FAILED"
fi
elapsed=$(( $(date +%s) - start ))

step "TEST SUITE COMPLETE"
echo "Results:"
echo "  ✅ Database permissions: OK"
echo "  ✅ Database integration: PASSED"
if [ "$full" = "PASSED" ]; then
    echo "  ✅ 25-company test: PASSED (${elapsed}s)"
else
    echo "  ❌ 25-company test: FAILED (${elapsed}s)"; exit 1
fi
