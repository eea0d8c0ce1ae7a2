"""Ingestion throughput: the REST API in-process versus a raw PostgreSQL upsert of the same points.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scorecard_bench .venv/bin/python bench/ingest.py [--days 500]

Creates two throw-away teams with 40 metrics each. The API team gets `--days` days x 40 metrics
posted in batches of 5,000 points (JSON, through the WSGI app with an ingest API key: auth,
throttling, body parsing, validation, upsert). The raw team gets exactly the same points
through psycopg with one `INSERT ... SELECT FROM unnest(...) ON CONFLICT` per batch and binary
parameters, the fastest plain way to write them. Both run once on fresh points and once as all-conflict re-sends.
Prints points/s for both and the ratio API / raw (goal: >= 0.5). The teams are deleted at
the end. Building the JSON bodies is client work and is not timed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scorecard_site.settings")

import django

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from metrics.models import DataPoint, Metric  # noqa: E402
from teams.api_auth import ApiKeyRateThrottle  # noqa: E402
from teams.models import Team  # noqa: E402
from teams.services import api_key_create  # noqa: E402

METRICS = 40
CASES = ("fresh points", "all-conflict re-send")
BATCH = 5000
RAW_UPSERT = """
INSERT INTO metrics_datapoint (metric_id, ts, value, source, updated_at)
SELECT m, t, v, 'api', now()
FROM unnest(%b::bigint[], %b::timestamptz[], %b::double precision[]) AS u(m, t, v)
ON CONFLICT (metric_id, ts) DO UPDATE
    SET value = EXCLUDED.value, source = EXCLUDED.source, updated_at = EXCLUDED.updated_at
    WHERE metrics_datapoint.value IS DISTINCT FROM EXCLUDED.value
"""


def make_team(label: str) -> tuple[Team, list[Metric]]:
    team = Team.objects.create(name=f"Bench {label}", slug=f"bench-{label}-{uuid.uuid4().hex[:8]}", timezone="UTC")
    metrics = Metric.objects.bulk_create(
        Metric(team=team, key=f"metric-{i:02d}", name=f"Metric {i}") for i in range(METRICS)
    )
    return team, metrics


def samples(days: int, start: datetime) -> list[tuple[int, datetime, float]]:
    """(metric index, ts, value): a value per metric per day, day by day."""
    return [
        (m, start + timedelta(days=d), float((d * 37 + m * 11) % 1000) + 0.5)
        for d in range(days)
        for m in range(METRICS)
    ]


def api_bodies(keys: list[str], rows: list[tuple[int, datetime, float]]) -> list[bytes]:
    bodies = []
    for start in range(0, len(rows), BATCH):
        points = [{"metric": keys[m], "ts": ts.isoformat(), "value": v} for m, ts, v in rows[start : start + BATCH]]
        bodies.append(json.dumps({"points": points}).encode())
    return bodies


def raw_batches(ids: list[int], rows: list[tuple[int, datetime, float]]) -> list[tuple[list, list, list]]:
    batches = []
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        batches.append(([ids[m] for m, _, _ in chunk], [ts for _, ts, _ in chunk], [v for _, _, v in chunk]))
    return batches


def run_api(client: Client, url: str, key: str, bodies: list[bytes]) -> tuple[float, int, int]:
    created = updated = 0
    began = time.perf_counter()
    for body in bodies:
        response = client.post(url, data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Api-Key {key}")
        if response.status_code != 200:
            raise SystemExit(f"API answered {response.status_code}: {response.content[:500]!r}")
        result = response.json()
        created += result["created"]
        updated += result["updated"]
    return time.perf_counter() - began, created, updated


def run_raw(dsn: str, batches: list[tuple[list, list, list]]) -> float:
    with psycopg.connect(dsn) as conn:
        began = time.perf_counter()
        for ids, stamps, values in batches:
            with conn.transaction(), conn.cursor() as cursor:
                cursor.execute(RAW_UPSERT, [ids, stamps, values])
        return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=500, help="days of values per metric (default 500 = 20,000 points)")
    parser.add_argument("--rounds", type=int, default=5, help="repetitions (default 5)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (the comparison is with a raw PostgreSQL upsert).")
    call_command("migrate", verbosity=0)  # a fresh benchmark database works too
    settings.DEBUG = False  # no query log in memory while timing
    ApiKeyRateThrottle.THROTTLE_RATES = {"api_key": "100000/minute"}
    dsn = os.environ["DATABASE_URL"]

    api_team, api_metrics = make_team("api")
    raw_team, raw_metrics = make_team("raw")
    try:
        key = api_key_create(team=api_team, name="bench", scopes=["ingest"])[1]
        url = reverse("metrics:api-datapoints", args=[api_team.slug])
        client = Client()
        # Every round writes fresh days; all of them lie in the past (the API refuses the future).
        start = datetime(2000, 1, 1, tzinfo=UTC)
        if start + timedelta(days=args.days * args.rounds) > datetime.now(UTC):
            raise SystemExit("--days x --rounds reaches the future; use fewer.")
        rows = samples(args.days, start)
        warmup = samples(10, start)
        keys = [m.key for m in api_metrics]
        raw_ids = [m.pk for m in raw_metrics]
        # Warm up both paths (connections, caches, query plans) on other days.
        shifted = [(m, ts - timedelta(days=100), v) for m, ts, v in warmup]
        run_api(client, url, key, api_bodies(keys, shifted))
        run_raw(dsn, raw_batches(raw_ids, shifted))

        print(f"{len(rows):,} points per run in batches of up to {BATCH:,}, {args.rounds} rounds")
        print("best = fastest round of each (least disturbed by other work on the machine); median beside it")
        results: dict[str, dict[str, list[float]]] = {c: {"api": [], "raw": []} for c in CASES}
        counts: dict[str, tuple[int, int]] = {}
        for round_no in range(args.rounds):
            # Fresh days every round; API and raw take turns going first (shared-machine noise).
            shifted = [(m, ts + timedelta(days=round_no * args.days), v) for m, ts, v in rows]
            bodies, batches = api_bodies(keys, shifted), raw_batches(raw_ids, shifted)
            for case in CASES:
                order = ("api", "raw") if round_no % 2 == 0 else ("raw", "api")
                for path in order:
                    if path == "api":
                        seconds, created, updated = run_api(client, url, key, bodies)
                        counts[case] = (created, updated)
                    else:
                        seconds = run_raw(dsn, batches)
                    results[case][path].append(len(rows) / seconds)
        print(
            f"{'case':<22}{'API pts/s':>12}{'raw pts/s':>12}{'API/raw':>9}"
            f"{'median API':>12}{'median raw':>12}{'ratio':>7}   API counts (last round)"
        )
        for case in CASES:
            api, raw = results[case]["api"], results[case]["raw"]
            created, updated = counts[case]
            print(
                f"{case:<22}{max(api):>12,.0f}{max(raw):>12,.0f}{max(api) / max(raw):>9.2f}"
                f"{median(api):>12,.0f}{median(raw):>12,.0f}{median(api) / median(raw):>7.2f}"
                f"   created {created:,}, updated {updated:,}"
            )
        stored = DataPoint.objects.filter(metric__team=api_team).count()
        raw_stored = DataPoint.objects.filter(metric__team=raw_team).count()
        print(f"stored: API team {stored:,}, raw team {raw_stored:,} (each with {len(warmup):,} warm-up points)")
    finally:
        for team in (api_team, raw_team):
            DataPoint.objects.filter(metric__team=team).delete()
            team.delete()


if __name__ == "__main__":
    main()
