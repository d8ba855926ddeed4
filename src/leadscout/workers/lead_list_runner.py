"""The seed's entry point: ``python -m leadscout.workers.lead_list_runner``.

Runs a ``lead_list`` worker (discovery batches), honouring ``RUN_FILTER_ID`` and
``WORKER_MAX_LOOPS`` like rv_agentic did. Same as ``leadscout worker --type lead_list``, called
on the worker core directly (argparse: this shim has two flags and no command tree)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from leadscout import logs
from leadscout.config import load_settings
from leadscout.db import migrate
from leadscout.db.connection import resolve_dsn
from leadscout.errors import LeadscoutError
from leadscout.workers.runner import WorkerConfig, run_worker


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m leadscout.workers.lead_list_runner", description=__doc__)
    parser.add_argument("--concurrency", type=int, default=4, help="jobs at once (1-64)")
    parser.add_argument("--id", dest="worker_id", help="worker id (default: type-host-pid-random)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logs and tracebacks")
    args = parser.parse_args(argv)
    if not 1 <= args.concurrency <= 64:
        parser.error("--concurrency must be between 1 and 64")
    logs.setup(verbose=args.verbose)
    try:
        settings = load_settings()
        dsn = resolve_dsn(settings)
        migrate.upgrade(dsn)
        config = WorkerConfig(worker_type="lead_list", concurrency=args.concurrency, worker_id=args.worker_id)
        worker_id = asyncio.run(run_worker(settings, dsn, config))
    except LeadscoutError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted; runs are saved and resume with `leadscout worker`", file=sys.stderr)
        return 130
    print(f"worker {worker_id} stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
