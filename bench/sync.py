"""Benchmark: 1,000 JSON-endpoint channels synced by Celery workers on this machine.

A local fake server answers every channel after 50 ms. The script creates a throw-away team
with 1,000 `http_json` channels (two metrics each), starts two Celery worker processes on the
Redis broker (thread pool, I/O bound work), dispatches all channels as the beat task would and
waits until every channel has finished one sync. It prints channels per minute and the total
time, then checks that every point arrived exactly once, and deletes the team again.

    DATABASE_URL=postgres://... REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/sync.py
Options: --channels N, --workers N, --concurrency N (threads per worker), --delay SECONDS.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scorecard_site.settings")


def value_for(number: int) -> tuple[int, float]:
    return number * 7 % 1000, number * 1.5


class FakeEndpoint(BaseHTTPRequestHandler):
    delay = 0.05
    hits = 0
    lock = threading.Lock()

    def do_GET(self) -> None:
        time.sleep(self.delay)
        number = int(self.path.rsplit("/", 1)[-1])
        followers, revenue = value_for(number)
        body = json.dumps({"data": {"followers": followers, "revenue": {"total": revenue}}}).encode()
        with FakeEndpoint.lock:
            FakeEndpoint.hits += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL") or not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the workers share both with this script.")
        return 2

    import django

    django.setup()
    from django.db import connections
    from django.utils import timezone

    from metrics.channel_services import channel_create, channels_dispatch_due
    from metrics.models import Channel, DataPoint, Metric, SyncRun
    from scorecard_site.celery import app
    from teams.models import Team

    FakeEndpoint.delay = args.delay
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeEndpoint)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/c"

    slug = f"bench-{uuid.uuid4().hex[:8]}"
    team = Team.objects.create(name="Sync benchmark", slug=slug, timezone="UTC")
    metrics_spec = [
        {"key": "followers", "name": "Followers", "unit": "", "path": "data.followers"},
        {"key": "revenue", "name": "Revenue", "unit": "EUR", "path": "data.revenue.total"},
    ]
    print(f"Creating {args.channels} http_json channels on team {slug} ...")
    for number in range(args.channels):
        channel_create(
            team=team,
            platform="http_json",
            name=f"Endpoint {number}",
            key_prefix=f"e{number}",
            account_ref=f"{base}/{number}",
            options={"header": "", "metrics": metrics_spec},
        )
    # Only this team's channels are due now (others keep their schedule).
    Channel.objects.filter(team=team).update(next_sync_at=timezone.now())
    app.control.purge()

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "scorecard_site.settings",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "WARNING",
    }
    workers = [
        subprocess.Popen(
            [
                str(ROOT / ".venv/bin/celery"),
                "-A",
                "scorecard_site",
                "worker",
                "--pool",
                "threads",
                "--concurrency",
                str(args.concurrency),
                "--loglevel",
                "WARNING",
                "-n",
                f"bench{n}-{slug}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
        )
        for n in range(args.workers)
    ]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(app.control.ping(timeout=0.5) or []) < args.workers:
            time.sleep(0.5)
        print(f"{args.workers} worker(s) x {args.concurrency} threads ready; dispatching.")
        started = time.monotonic()
        dispatched = 0
        while dispatched < args.channels and time.monotonic() - started < args.timeout:
            claimed = channels_dispatch_due()
            dispatched += claimed
            if not claimed:
                time.sleep(0.2)
        done = 0
        while time.monotonic() - started < args.timeout:
            done = SyncRun.objects.filter(channel__team=team).exclude(status=SyncRun.Status.RUNNING).count()
            if done >= args.channels:
                break
            time.sleep(0.1)
        elapsed = time.monotonic() - started
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
        server.shutdown()

    runs = SyncRun.objects.filter(channel__team=team)
    per_channel = set(runs.values_list("channel_id", flat=True))
    ok = runs.filter(status=SyncRun.Status.OK).count()
    points = DataPoint.objects.filter(metric__team=team)
    metric_ids = dict(Metric.objects.filter(team=team).values_list("key", "pk"))
    expected = {}
    for number in range(args.channels):
        followers, revenue = value_for(number)
        expected[metric_ids[f"e{number}-followers"]] = followers
        expected[metric_ids[f"e{number}-revenue"]] = revenue
    stored: dict[int, list[float]] = {}
    for metric_id, value in points.values_list("metric_id", "value"):
        stored.setdefault(metric_id, []).append(value)
    exactly_once = all(stored.get(m) == [v] for m, v in expected.items())
    print(
        f"Synced {done} of {args.channels} channels in {elapsed:.1f} s "
        f"= {done / elapsed * 60:,.0f} channels per minute."
    )
    print(
        f"Sync runs: {runs.count()} ({ok} ok) for {len(per_channel)} distinct channels; "
        f"fake endpoint answered {FakeEndpoint.hits} requests."
    )
    print(f"Data points: {points.count()} for {len(expected)} metrics; every point exactly once: {exactly_once}.")
    success = done == args.channels == runs.count() == ok and exactly_once
    team.delete()
    connections.close_all()
    print("PASS" if success and elapsed <= 60 else "FAIL")
    return 0 if success else 1


if __name__ == "__main__":
    sys.exit(main())
