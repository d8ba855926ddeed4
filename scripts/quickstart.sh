#!/usr/bin/env bash
# Install leadscout into .venv and run the main job on embedded defaults: an embedded
# PostgreSQL and the generated sandbox web, no API keys.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e .

.venv/bin/leadscout run --sandbox "25 AppFolio property managers in Austin, TX with 100+ units" "$@"
