"""Load test: gunicorn on 127.0.0.1 with PostgreSQL and Redis, 60 s of managers, marketers and integrations.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scorecard_bench REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/load.py [--users 20] [--duration 60] [--workers 3] [--think 1]

It migrates the database and loads the demo (idempotent), starts gunicorn on a free loopback port, then runs
the simulated users (asyncio + httpx, each with its own session) and prints requests/s, p50/p95/p99 per kind
and the error count. Each simulated user pauses between its requests, as a person reading a page does (locust's
`wait_time`): `--think` seconds on average, drawn uniformly from half to one and a half times that; `--think 0`
sends the next request the moment the last one answers (a closed loop: the server's capacity, not 20 people).
Managers and marketers sign in before the clock starts. Kinds:

* manager     (viewer on Acme): in turn the team home, the strategy map, the scorecard list, the scorecard
              dashboard, a perspective dashboard (the four take turns), the portfolio and the metric list;
* marketer    (editor on Acme Social): opens the strategy map form and saves it;
* integration (API key with the ingest scope): posts batches of 100 data points to
              /api/v1/teams/<team>/datapoints/.

Traffic goes only to 127.0.0.1. Settings come from the environment (DEBUG off, development security settings,
since the client speaks plain HTTP). Goal (issue 8): 0 errors and p95 under 300 ms for dashboard reads at 20 users;
the script judges it on the slowest of the pages managers read.
"""

import argparse
import asyncio
import datetime
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
TEAM = "acme-social"
PASSWORD = os.environ.get("DEMO_PASSWORD", "scorecard-demo")
BATCH = 100  # data points per integration request


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)

    def record(self, kind: str, started: float, ok: bool, detail: str = "") -> None:
        self.latencies[kind].append(time.perf_counter() - started)
        if not ok:
            self.errors[kind] += 1
            if len(self.examples) < 10:
                self.examples.append(f"{kind}: {detail}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def manage(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def plan(env: dict[str, str]) -> dict:
    """URLs and ids of the demo team, found with Django itself (the demo map and scorecard, metrics)."""
    os.environ.update(env)
    import django

    django.setup()
    from django.urls import reverse

    from metrics.models import Metric
    from scorecard.models import Scorecard
    from strategy.models import StrategyMap

    strategy_map = StrategyMap.objects.filter(team__slug=TEAM).order_by("pk").first()
    scorecard = Scorecard.objects.filter(team__slug=TEAM).order_by("pk").first()
    if strategy_map is None or scorecard is None:
        sys.exit(f"The demo has no strategy map or scorecard for {TEAM}.")
    perspectives = scorecard.perspectives.order_by("order").values_list("key", flat=True)
    # A manager's round: each kind once, the perspective dashboards taking turns.
    pages = [
        ("team-home", [reverse("teams:team-home", args=[TEAM])]),
        ("map-page", [reverse("strategy:map-detail", args=[TEAM, strategy_map.pk])]),
        ("scorecard-list", [reverse("scorecard:scorecard-list", args=[TEAM])]),
        ("scorecard-detail", [reverse("scorecard:scorecard-detail", args=[TEAM, scorecard.pk])]),
        (
            "perspective",
            [reverse("scorecard:perspective-dashboard", args=[TEAM, scorecard.pk, key]) for key in perspectives],
        ),
        ("portfolio", [reverse("scorecard:portfolio")]),
        ("metric-list", [reverse("metrics:metric-list", args=[TEAM])]),
    ]
    return {
        "pages": pages,
        "edit_url": reverse("strategy:map-edit", args=[TEAM, strategy_map.pk]),
        "map": {
            "title": strategy_map.title,
            "vision": strategy_map.vision,
            "period_start": strategy_map.period_start.isoformat(),
            "period_end": strategy_map.period_end.isoformat(),
            "status": strategy_map.status,
        },
        "datapoints_url": reverse("metrics:api-datapoints", args=[TEAM]),
        "metric_keys": list(Metric.objects.filter(team__slug=TEAM).values_list("key", flat=True)[:20]),
    }


async def login(client: httpx.AsyncClient, username: str) -> None:
    page = await client.get("/accounts/login/")
    token = client.cookies.get("csrftoken") or re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    response = await client.post(
        "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": str(client.base_url) + "/accounts/login/"},
    )
    if response.status_code != 302:
        raise RuntimeError(f"{username} could not sign in ({response.status_code})")


class Pause:
    """A user's pause between requests: `think` seconds on average (uniform from 0.5x to 1.5x), 0 for none."""

    def __init__(self, think: float, seed: int) -> None:
        self.think = think
        self.rng = random.Random(seed)  # the load shape, not security

    async def __call__(self) -> None:
        if self.think > 0:
            await asyncio.sleep(self.think * self.rng.uniform(0.5, 1.5))


async def manager(client: httpx.AsyncClient, stats: Stats, urls: dict, deadline: float, pause: Pause) -> None:
    turn = 0
    while time.perf_counter() < deadline:
        for kind, choices in urls["pages"]:
            url = choices[turn % len(choices)]
            await pause()
            started = time.perf_counter()
            try:
                response = await client.get(url)
                stats.record(kind, started, response.status_code == 200, f"GET {url} -> {response.status_code}")
            except httpx.HTTPError as error:
                stats.record(kind, started, False, f"GET {url}: {error!r}")
        turn += 1


async def marketer(
    client: httpx.AsyncClient, stats: Stats, urls: dict, deadline: float, pause: Pause, index: int
) -> None:
    counter = 0
    while time.perf_counter() < deadline:
        counter += 1
        await pause()
        started = time.perf_counter()
        try:
            form = await client.get(urls["edit_url"])
            stats.record("form-open", started, form.status_code == 200, f"GET form -> {form.status_code}")
            await pause()
            started = time.perf_counter()
            data = {
                **urls["map"],
                "mission": f"We help customers where they are (load test {index}.{counter}).",
                "csrfmiddlewaretoken": client.cookies.get("csrftoken", ""),
            }
            headers = {"Referer": str(client.base_url) + urls["edit_url"]}
            saved = await client.post(urls["edit_url"], data=data, headers=headers)
            stats.record("form-save", started, saved.status_code == 302, f"POST form -> {saved.status_code}")
        except httpx.HTTPError as error:
            stats.record("form-save", started, False, repr(error))


async def integration(
    client: httpx.AsyncClient, stats: Stats, urls: dict, deadline: float, pause: Pause, key: str
) -> None:
    headers = {"Authorization": f"Api-Key {key}"}
    rng = random.Random(key)  # the load shape, not security
    day = datetime.date(2026, 1, 1)
    while time.perf_counter() < deadline:
        await pause()
        points = [
            {
                "metric": rng.choice(urls["metric_keys"]),
                "ts": (day + datetime.timedelta(days=rng.randrange(300))).isoformat(),
                "value": rng.randrange(10_000),
            }
            for _ in range(BATCH)
        ]
        started = time.perf_counter()
        try:
            response = await client.post(urls["datapoints_url"], json={"points": points}, headers=headers)
            stats.record("ingest", started, response.status_code == 200, f"POST -> {response.status_code}")
        except httpx.HTTPError as error:
            stats.record("ingest", started, False, repr(error))


async def run_users(base_url: str, urls: dict, args: argparse.Namespace, key: str) -> Stats:
    stats = Stats()
    integrations = max(1, args.users // 7)
    marketers = max(1, args.users // 4)
    managers = args.users - marketers - integrations
    print(
        f"{managers} managers, {marketers} marketers, {integrations} integrations for {args.duration} s, "
        + (f"pausing {args.think / 2:g}-{args.think * 1.5:g} s between requests" if args.think else "without pauses")
    )
    limits = httpx.Limits(max_connections=1)
    clients = [httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits) for _ in range(args.users)]
    # Everyone signs in before the clock starts: a storm of password hashes is not what the kinds measure.
    people = [(client, "manager" if i < managers else "marketer") for i, client in enumerate(clients)]
    await asyncio.gather(*(login(client, username) for client, username in people[: managers + marketers]))
    deadline = time.perf_counter() + args.duration
    tasks = []
    for i, client in enumerate(clients):
        pause = Pause(args.think, seed=i)
        if i < managers:
            tasks.append(manager(client, stats, urls, deadline, pause))
        elif i < managers + marketers:
            tasks.append(marketer(client, stats, urls, deadline, pause, i))
        else:
            tasks.append(integration(client, stats, urls, deadline, pause, key))
    started = time.perf_counter()
    await asyncio.gather(*tasks)
    stats.elapsed = time.perf_counter() - started  # type: ignore[attr-defined]
    for client in clients:
        await client.aclose()
    return stats


def report(stats: Stats, read_kinds: list[str]) -> None:
    """A line per kind, one for all the managers' reads together, and the goal: judged on the slowest read kind."""
    elapsed = stats.elapsed  # type: ignore[attr-defined]
    total = sum(len(v) for v in stats.latencies.values())
    columns = ("requests", 8), ("req/s", 7), ("p50 ms", 7), ("p95 ms", 7), ("p99 ms", 7), ("mean ms", 8), ("errors", 6)
    print("\n" + f"{'kind':<18} " + " ".join(f"{name:>{width}}" for name, width in columns))
    reads = [value for kind in read_kinds for value in stats.latencies.get(kind, [])]
    rows = [(kind, values, stats.errors[kind]) for kind, values in sorted(stats.latencies.items())]
    rows.append(("manager reads", reads, sum(stats.errors[kind] for kind in read_kinds)))
    for kind, values, errors in rows:
        if values:
            print(
                f"{kind:<18} {len(values):>8} {len(values) / elapsed:>7.1f} {percentile(values, 50) * 1000:>7.0f} "
                f"{percentile(values, 95) * 1000:>7.0f} {percentile(values, 99) * 1000:>7.0f} "
                f"{statistics.fmean(values) * 1000:>8.0f} {errors:>6}"
            )
    errors = sum(stats.errors.values())
    print(f"{'all':<18} {total:>8} {total / elapsed:>7.1f}  errors: {errors}")
    for example in stats.examples:
        print("  error:", example)
    p95 = max(percentile(stats.latencies[kind], 95) * 1000 for kind in read_kinds if stats.latencies.get(kind))
    verdict = "met" if errors == 0 and p95 < 300 else "NOT met"
    print(f"Goal (0 errors, p95 < 300 ms for every page managers read): {verdict} (slowest p95 {p95:.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (gthread, 4 threads each)")
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean pause of a user between requests in seconds (0: none)"
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (and REDIS_URL): the load test measures the real stack.")
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL: the load test measures the real stack (cache, sessions, throttling).")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "scorecard_site.settings",
        "DJANGO_ENV": "development",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "SCORECARD_API_KEY_RATE": "100000/minute",
        "SCORECARD_API_USER_RATE": "100000/minute",
    }
    (BASE_DIR / "var" / "static").mkdir(parents=True, exist_ok=True)  # STATIC_ROOT, for whitenoise
    print("Migrating and loading the demo ...")
    manage("migrate", "--noinput", env=env)
    manage("seed_demo", env=env)
    key = manage("create_api_key", TEAM, "load test", "--scopes", "ingest", env=env).strip().splitlines()[-1]
    urls = plan(env)
    if not urls["metric_keys"]:
        sys.exit(f"{TEAM} has no metrics to post data points for: is the demo loaded?")

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "scorecard_site.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            # Longer than any pause: a connection the server closes as the client reuses it fails a POST.
            "--keep-alive",
            "5",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                if httpx.get(base_url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            sys.exit("gunicorn did not answer /healthz within 20 s")
        print(
            f"gunicorn ({args.workers} workers x 4 threads) on {base_url}; pages: "
            + ", ".join(url for _kind, choices in urls["pages"] for url in choices)
        )
        stats = asyncio.run(run_users(base_url, urls, args, key))
        report(stats, [kind for kind, _urls in urls["pages"]])
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)


if __name__ == "__main__":
    main()
