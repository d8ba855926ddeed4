"""Workers: the procrastinate app and tasks, the heartbeat registry, the worker runtime."""
