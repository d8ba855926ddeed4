"""An ASGI app on a real socket in a background thread: the sandbox web, the scripted LLM, and the
API server in tests and benchmarks all run this way (uvicorn has no such helper); and the check
every server command makes before it starts, so a port in use is one clear line."""

from __future__ import annotations

import errno
import socket
import threading
import time
from typing import Any

import uvicorn

from leadscout.errors import UserError


def check_port(host: str, port: int, flag: str = "--port") -> None:
    """Say in one line, before anything starts, why ``host:port`` cannot be listened on (a
    UserError: exit 2). Port 0 asks the system for a free one and always can."""
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: TIME_WAIT is no obstacle
        try:
            probe.bind((host, port))
        except PermissionError:
            raise UserError(
                f"port {port} needs privileges this user lacks: pass {flag} with a port above 1023"
            ) from None
        except socket.gaierror:
            raise UserError(f"{host!r} is not an address or host name this machine knows: pass --host") from None
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UserError(f"port {port} is in use on {host}: pass {flag} with a free port") from None
            if exc.errno == errno.EADDRNOTAVAIL:
                raise UserError(f"{host} is not an address of this machine: pass --host") from None
            raise UserError(f"cannot listen on {host}:{port} ({exc.strerror}): pass {flag} or --host") from None


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
