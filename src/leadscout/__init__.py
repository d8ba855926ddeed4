"""leadscout: verified B2B lead lists of US property-management companies.

Public Python API (see README):

- :class:`leadscout.config.Settings` — every setting, read from flags, env and defaults.
- :mod:`leadscout.pipeline.runs` — create runs, read their progress.
- :mod:`leadscout.workers.heartbeat` — the worker registry (seed API).
"""

__version__ = "0.1.0"
