"""A webhook receiver double: verifies every delivery with the ``standardwebhooks`` library, handles
each ``webhook-id`` once (deliveries are at least once), and misbehaves on purpose, seeded: a share
of requests answered 5xx, a share answered too late for the sender's timeout (after handling them,
so the redelivery is a duplicate). Drills and tests look inside through its counters."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from typing import Any

from fastapi import FastAPI, Request, Response
from standardwebhooks import Webhook, WebhookVerificationError


class FlakyReceiver:
    def __init__(
        self, secret: str, *, fail_rate: float = 0.0, slow_rate: float = 0.0, slow_seconds: float = 2.0, seed: int = 7
    ) -> None:
        self.secrets = [secret]
        self.fail_rate, self.slow_rate, self.slow_seconds = fail_rate, slow_rate, slow_seconds
        self.random = random.Random(seed)
        self.handled: dict[str, dict[str, Any]] = {}  # webhook-id -> the verified payload
        self.counts: Counter[str] = Counter()  # requests, failed_on_purpose, slow, duplicates, rejected
        self.app = self._build()

    def _verify(self, body: bytes, headers: dict[str, str]) -> Any:
        for secret in self.secrets:
            try:
                return Webhook(secret).verify(body, headers)
            except WebhookVerificationError:
                continue
        raise WebhookVerificationError("no secret verifies this delivery")

    def _build(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hooks")
        async def hook(request: Request) -> Response:
            self.counts["requests"] += 1
            roll = self.random.random()
            if roll < self.fail_rate:
                self.counts["failed_on_purpose"] += 1
                return Response(status_code=503)
            body = await request.body()
            try:
                payload = self._verify(body, dict(request.headers))
            except WebhookVerificationError:
                self.counts["rejected"] += 1
                return Response(status_code=401)
            message_id = request.headers["webhook-id"]
            if message_id in self.handled:
                self.counts["duplicates"] += 1
            else:
                self.handled[message_id] = payload
            if roll < self.fail_rate + self.slow_rate:
                self.counts["slow"] += 1
                await asyncio.sleep(self.slow_seconds)
            return Response(status_code=204)

        return app
