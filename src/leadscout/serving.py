"""An ASGI app on a real socket in a background thread: the sandbox web, the scripted LLM, and the
API server in tests and benchmarks all run this way (uvicorn has no such helper)."""

from __future__ import annotations

import threading
import time
from typing import Any

import uvicorn


class ThreadedServer:
    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int = 0, name: str = "server", **options: Any):
        settings: dict[str, Any] = {"log_level": "warning", "lifespan": "on"} | options
        self.server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, **settings))
        self.thread = threading.Thread(target=self.server.run, name=name, daemon=True)
        self.host = host

    def start(self, timeout: float = 30.0) -> ThreadedServer:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"{self.thread.name} did not start")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 15.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=timeout)

    @property
    def port(self) -> int:
        return int(self.server.servers[0].sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
