"""axe-core on every metric, CSV import and channel page."""

import pytest

from metrics.import_services import progress_key
from metrics.models import Channel, ImportJob, Metric

pytestmark = pytest.mark.browser

CSV = "metric;ts;value\nnps;01-01-2026;31,5\nnps;02-01-2026;32\n"


def _job(status: str, **fields) -> ImportJob:
    team = Metric.objects.get(team__slug="acme-social", key="nps").team
    return ImportJob.objects.create(
        team=team, filename=f"{status}.csv", content=CSV, total_rows=2, status=status, **fields
    )


def test_every_metric_and_import_page_has_no_serious_accessibility_problems(demo, signed_in_page, axe_check):
    from django.core.cache import cache

    uploaded = _job(ImportJob.Status.UPLOADED)
    running = _job(ImportJob.Status.RUNNING)
    cache.set(progress_key(running.pk), {"phase": "validating", "done": 1, "total": 2})
    done = _job(ImportJob.Status.DONE, created_points=2)
    failed = _job(ImportJob.Status.FAILED, error_count=1, errors=[{"row": 2, "message": "Not a number."}])
    imports = "/t/acme-social/metrics/import/"
    page = signed_in_page("marketer")

    problems = axe_check.sweep(
        page,
        [
            "/t/acme-social/metrics/",
            "/t/acme-social/metrics/nps/",
            "/t/acme-social/metrics/website-visits/",
            "/t/acme-social/metrics/new/",
            "/t/acme-social/metrics/nps/edit/",
            "/t/acme-social/metrics/nps/delete/",
            imports,
            f"{imports}{uploaded.pk}/",
            f"{imports}{running.pk}/",
            f"{imports}{done.pk}/",
            f"{imports}{failed.pk}/",
        ],
    )

    assert not problems, f"axe found {len(problems)} problem(s):\n" + "\n".join(problems)


def test_every_channel_page_has_no_serious_accessibility_problems(demo, signed_in_page, axe_check):
    channel = Channel.objects.filter(team__slug="acme-social").first()
    assert channel is not None
    page = signed_in_page("admin")

    problems = axe_check.sweep(
        page,
        [
            "/t/acme-social/channels/",
            f"/t/acme-social/channels/{channel.pk}/",
            "/t/acme-social/channels/add/",
            "/t/acme-social/channels/add/?platform=x",
            "/t/acme-social/channels/add/?platform=http_json",
            "/t/acme-social/channels/add/?platform=ga4",
            "/t/acme-social/channels/connect/pick/over/",
            f"/t/acme-social/channels/{channel.pk}/edit/",
        ],
    )

    assert not problems, f"axe found {len(problems)} problem(s):\n" + "\n".join(problems)
