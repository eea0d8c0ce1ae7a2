"""REST ingestion (DESIGN.md section 5): read the raw body, validate every point, upsert once.

The body is parsed here rather than by a DRF parser and serializer: msgspec decodes and
type-checks 5,000 points in about a millisecond, and one plain-Python loop in `validation`
resolves metric keys and timestamps. Only a body with problems takes the slower path that
lists every error.
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

from teams.api_parsers import has_unstorable_text, unstorable_text_message
from teams.models import Team

from .models import Metric, Source
from .services import UpsertResult, datapoints_upsert
from .validation import NonFinite, PointError, TimestampParser, validate_api_points, validate_typed_points

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


def unpack_body(body: bytes, *, content_encoding: str) -> bytes:
    """The request body, unzipped when it says `Content-Encoding: gzip`."""
    encoding = content_encoding.strip().lower()
    if encoding == "gzip":
        return _gunzip(body)
    if encoding not in ("", "identity"):
        raise _request_error(
            _("Content-Encoding “%(encoding)s” is not supported; use gzip or none.") % {"encoding": encoding},
            status=415,
        )
    return body


# msgspec raises these, not DecodeError, for bytes that are not UTF-8 inside strings and for nesting deeper
# than the interpreter's recursion limit (a body of 100,000 nested arrays is 200 kB).
_UNREADABLE = (UnicodeDecodeError, RecursionError)


def _unreadable(error: Exception) -> IngestError:
    if isinstance(error, UnicodeDecodeError):
        byte = error.object[error.start]
        return _request_error(
            _("The request body is not valid UTF-8 (byte 0x%(byte)02X); send JSON encoded as UTF-8.") % {"byte": byte}
        )
    return _request_error(_('The request body is nested too deeply; send the points as {"points": [...]}.'))


def parse_document(body: bytes) -> Any:
    """The body as plain JSON values, for explaining what is wrong with it."""
    try:
        return msgspec.json.decode(body)
    except _UNREADABLE as error:
        raise _unreadable(error) from None
    except (msgspec.DecodeError, msgspec.ValidationError) as strict_error:
        # The strict decoder refuses NaN/Infinity tokens and huge numbers; decode again so
        # those become per-point errors and real syntax errors keep a precise message.
        try:
            return json.loads(body, parse_constant=NonFinite)
        except (ValueError, RecursionError):
            message = _("The request body is not valid JSON: %(error)s") % {"error": strict_error}
            raise _request_error(message) from None


class _Point(msgspec.Struct, gc=False, forbid_unknown_fields=True):
    metric: str
    ts: str
    value: float


class _Batch(msgspec.Struct, gc=False, forbid_unknown_fields=True):
    """The body's expected shape: msgspec checks it while decoding, in C.

    gc=False: thousands of decoded points would otherwise set off the cyclic garbage
    collector, which then walks every object of the process.
    """

    points: list[_Point]


_BATCH_DECODER = msgspec.json.Decoder(_Batch)


def _gunzip(body: bytes) -> bytes:
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    not_gzip = _request_error(_("The body is marked as gzip but is not valid gzip data."))
    try:
        data = decompressor.decompress(body, MAX_DECOMPRESSED_BYTES)
    except (zlib.error, gzip.BadGzipFile):
        raise not_gzip from None
    if decompressor.unconsumed_tail or len(data) >= MAX_DECOMPRESSED_BYTES:
        raise _request_error(_("The unpacked body is too large."), status=413)
    if not decompressor.eof or decompressor.unused_data:
        raise not_gzip  # cut off, or more after its end: either way part of the points would be lost
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
    _check_count(len(points))
    return points


def _check_count(count: int) -> None:
    limit = settings.SCORECARD_INGEST_MAX_POINTS
    if count > limit:
        raise _request_error(
            _("Send at most %(limit)s points per request (got %(count)s); split the batch.")
            % {"limit": limit, "count": count},
            field="points",
        )


def _metric_ids(team: Team, keys: set[str]) -> dict[str, int]:
    return dict(Metric.objects.filter(team=team, key__in=keys).values_list("key", "id")) if keys else {}


def datapoints_ingest(*, team: Team, body: bytes, source: str = Source.API) -> UpsertResult:
    """Validate every point of a (unpacked) JSON body and upsert them all, or raise IngestError.

    A well-formed body is decoded straight into typed points and checked in one loop. Any
    problem sends the body down the slow path, which decodes it again as plain JSON and
    collects every error with its index.
    """
    parser = TimestampParser(tz=ZoneInfo(team.timezone), now=timezone.now())
    # A NUL character or a lone surrogate can only be spelled as a \u escape (raw, it is not JSON or not UTF-8),
    # so bodies without one skip the walk.
    if b"\\u" in body and has_unstorable_text(parse_document(body)):
        raise _request_error(unstorable_text_message())
    try:
        batch = _BATCH_DECODER.decode(body)
    except _UNREADABLE as error:
        raise _unreadable(error) from None
    except (msgspec.DecodeError, msgspec.ValidationError):
        pass
    else:
        _check_count(len(batch.points))
        metric_ids = _metric_ids(team, {point.metric for point in batch.points})
        points = validate_typed_points(batch.points, metric_ids=metric_ids, parser=parser)
        if points is not None:
            return datapoints_upsert(points=points, source=source)

    raw_points = _points_list(parse_document(body))
    keys: set[str] = {p["metric"] for p in raw_points if type(p) is dict and type(p.get("metric")) is str}
    found, errors = validate_api_points(raw_points, metric_ids=_metric_ids(team, keys), parser=parser)
    if errors:
        raise IngestError(errors)
    return datapoints_upsert(points=found, source=source)
