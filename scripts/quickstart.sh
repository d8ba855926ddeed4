#!/usr/bin/env bash
# Install leadscout into .venv and run the main job on embedded defaults: an embedded
# PostgreSQL, the generated sandbox world as the research directory, no API keys.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e .

mkdir -p .leadscout
.venv/bin/leadscout sandbox directory --out .leadscout/sandbox-directory.csv
.venv/bin/leadscout directory import .leadscout/sandbox-directory.csv
.venv/bin/leadscout run -n 25 --city Austin --state TX "$@"
