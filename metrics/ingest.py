"""REST ingestion (DESIGN.md section 5): read the raw body, validate every point, upsert once.

The body is parsed here rather than by a DRF parser and serializer: msgspec decodes 5,000
points in about a millisecond and the plain-Python checks in `validation` keep a batch from
waiting on per-point serializer objects.
"""

from __future__ import annotations

import gzip
import json
import zlib
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from teams.models import Team

from .models import Metric, Source
from .services import UpsertResult, datapoints_upsert
from .validation import NonFinite, PointError, TimestampParser, validate_api_points

# A gzip body may not unpack to more than this (a 5,000-point batch is about 400 kB).
MAX_DECOMPRESSED_BYTES = 16 * 1024 * 1024


class IngestError(Exception):
    """The request cannot be ingested; `errors` are in the API's error shape."""

    def __init__(self, errors: list[PointError], *, status: int = 400) -> None:
        super().__init__(errors[0].message if errors else "")
        self.errors = errors
        self.status = status

    def as_payload(self) -> dict[str, Any]:
        return {"errors": [error.as_dict() for error in self.errors]}


def _request_error(message: str, *, field: str | None = None, status: int = 400) -> IngestError:
    return IngestError([PointError(None, field, message)], status=status)


def require_json(content_type: str) -> None:
    """415 unless the body is declared as JSON (checked before the body is read)."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type != "application/json":
        raise _request_error(
            _("Send the points as JSON with the header “Content-Type: application/json” (got “%(type)s”).")
            % {"type": media_type or _("none")},
            status=415,
        )


def decode_body(body: bytes, *, content_encoding: str) -> Any:
    """The JSON document of an ingestion request (gzip allowed), or IngestError."""
    encoding = content_encoding.strip().lower()
    if encoding == "gzip":
        body = _gunzip(body)
    elif encoding not in ("", "identity"):
        raise _request_error(
            _("Content-Encoding “%(encoding)s” is not supported; use gzip or none.") % {"encoding": encoding},
            status=415,
        )
    try:
        return msgspec.json.decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError) as fast_error:
        # The strict decoder refuses NaN/Infinity tokens and huge numbers; decode again so
        # those become per-point errors and real syntax errors keep a precise message.
        try:
            return json.loads(body, parse_constant=NonFinite)
        except (ValueError, RecursionError):
            raise _request_error(_("The request body is not valid JSON: %(error)s") % {"error": fast_error}) from None


def _gunzip(body: bytes) -> bytes:
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = decompressor.decompress(body, MAX_DECOMPRESSED_BYTES)
    except (zlib.error, gzip.BadGzipFile):
        raise _request_error(_("The body is marked as gzip but is not valid gzip data.")) from None
    if decompressor.unconsumed_tail:
        raise _request_error(_("The unpacked body is too large."), status=413)
    return data


def _points_list(document: Any) -> list[Any]:
    if not isinstance(document, dict):
        raise _request_error(_('The body must be a JSON object: {"points": [...]}.'))
    extra = sorted(str(key) for key in document if key != "points")
    if extra:
        raise _request_error(
            _("Unknown field(s) %(fields)s; the body has only “points”.") % {"fields": ", ".join(extra)},
            field=extra[0],
        )
    points = document.get("points")
    if not isinstance(points, list):
        raise _request_error(_("“points” must be a list of points."), field="points")
    limit = settings.SCORECARD_INGEST_MAX_POINTS
    if len(points) > limit:
        raise _request_error(
            _("Send at most %(limit)s points per request (got %(count)s); split the batch.")
            % {"limit": limit, "count": len(points)},
            field="points",
        )
    return points


def datapoints_ingest(*, team: Team, document: Any, source: str = Source.API) -> UpsertResult:
    """Validate every point of an ingestion document and upsert them all, or raise IngestError."""
    raw_points = _points_list(document)
    keys = {p.get("metric") for p in raw_points if type(p) is dict and type(p.get("metric")) is str}
    metric_ids = dict(Metric.objects.filter(team=team, key__in=keys).values_list("key", "id")) if keys else {}
    parser = TimestampParser(tz=ZoneInfo(team.timezone), now=timezone.now())
    points, errors = validate_api_points(raw_points, metric_ids=metric_ids, parser=parser)
    if errors:
        raise IngestError(errors)
    return datapoints_upsert(points=points, source=source)
