"""The seed's entry point: ``python -m leadscout.workers.lead_list_runner``.

Runs a ``lead_list`` worker (discovery batches), honouring ``RUN_FILTER_ID`` and
``WORKER_MAX_LOOPS`` like rv_agentic did. Same as ``leadscout worker --type lead_list``.
"""

from __future__ import annotations

import sys

from leadscout.cli import main

if __name__ == "__main__":
    main(["worker", "--type", "lead_list", *sys.argv[1:]])
