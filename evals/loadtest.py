"""Load test against a running server on loopback: N concurrent clients, M requests each, mixed
/api/ask, /api/relate and /api/ask/stream. Bounded in count and time; prints clients, requests,
errors and latency p50/p95. Run: python -m evals.loadtest --url http://127.0.0.1:7860 --clients 10"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import httpx

from evals.golden import load_golden
from evals.metrics import percentile

LOOPBACK = ("http://127.0.0.1", "http://localhost", "http://[::1]")


async def client_run(
    client: httpx.AsyncClient, questions: list[str], offset: int, requests: int, latencies: list, errors: list
) -> None:
    for i in range(requests):
        q = questions[(offset + i) % len(questions)]
        kind = ("ask", "relate", "stream")[i % 3]
        t0 = time.perf_counter()
        try:
            if kind == "ask":
                r = await client.post("/api/ask", json={"question": q})
            elif kind == "relate":
                r = await client.post("/api/relate", json={"text": q})
            else:
                r = await client.post("/api/ask/stream", json={"question": q})
            if r.status_code != 200:
                errors.append(f"{kind} {r.status_code}")
        except httpx.HTTPError as exc:
            errors.append(f"{kind} {type(exc).__name__}")
        latencies.append((kind, (time.perf_counter() - t0) * 1000))


async def main(url: str, clients: int, requests: int, timeout: float) -> dict:
    if not url.startswith(LOOPBACK):
        raise SystemExit("load tests only target this machine (loopback)")
    questions = [i.question for i in load_golden() if not i.refuse and not i.history]
    latencies: list = []
    errors: list = []
    t0 = time.perf_counter()
    async with httpx.AsyncClient(base_url=url, timeout=timeout) as client:
        await asyncio.wait_for(
            asyncio.gather(
                *(client_run(client, questions, c * 7, requests, latencies, errors) for c in range(clients))
            ),
            timeout=timeout * requests,
        )
    wall = time.perf_counter() - t0
    all_ms = [ms for _, ms in latencies]
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "p50_ms": percentile(all_ms, 0.5),
        "p95_ms": percentile(all_ms, 0.95),
        "ask_p50_ms": percentile([ms for k, ms in latencies if k == "ask"], 0.5),
        "ask_p95_ms": percentile([ms for k, ms in latencies if k == "ask"], 0.95),
        "requests_per_s": round(len(latencies) / wall, 1),
        "wall_s": round(wall, 1),
    }


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:7860")
    ap.add_argument("--clients", type=int, default=10)
    ap.add_argument("--requests", type=int, default=20)
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args()
    print(json.dumps(asyncio.run(main(args.url, args.clients, args.requests, args.timeout)), indent=2))
