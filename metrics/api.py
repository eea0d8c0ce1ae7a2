"""REST API of the metrics app: ingestion (DESIGN.md section 5), metrics and their data points."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from teams.access import team_for_request
from teams.models import Role, Team

from . import selectors, services
from .ingest import IngestError, datapoints_ingest, require_json, unpack_body
from .models import DataPoint, Metric, Source
from .validation import TimestampParser


class MetricSerializer(serializers.ModelSerializer):
    class Meta:
        model = Metric
        fields = ["key", "name", "unit", "source"]
        extra_kwargs = {"source": {"read_only": True}}
        # Uniqueness per team is checked by the service, with a clear message.
        validators: list = []


class DataPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = DataPoint
        fields = ["id", "ts", "value", "source"]


class IngestResultSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()


INGEST_REQUEST = inline_serializer(
    "IngestRequest",
    {
        "points": serializers.ListField(
            child=inline_serializer(
                "IngestPoint",
                {
                    "metric": serializers.SlugField(),
                    "ts": serializers.CharField(help_text="ISO 8601 with offset, or a date (midnight, team time zone)"),
                    "value": serializers.FloatField(),
                },
            )
        )
    },
)


class DatapointIngestView(APIView):
    """Upsert up to SCORECARD_INGEST_MAX_POINTS points at once; all or nothing."""

    @extend_schema(
        request=INGEST_REQUEST,
        # 413 (body too large) and 415 (not JSON, unknown encoding) use the same {"errors": [...]} shape as 400.
        responses={
            200: IngestResultSerializer,
            400: OpenApiTypes.OBJECT,
            413: OpenApiTypes.OBJECT,
            415: OpenApiTypes.OBJECT,
        },
    )
    def post(self, request: Request, team_slug: str) -> Response:
        team = team_for_request(request, team_slug, role=Role.EDITOR, scope="ingest")
        try:
            # The content type first: a form body may already have been consumed by the CSRF check.
            require_json(request.META.get("CONTENT_TYPE", ""))
            body = unpack_body(request.body, content_encoding=request.META.get("HTTP_CONTENT_ENCODING", ""))
            result = datapoints_ingest(team=team, body=body, source=Source.API)
        except IngestError as error:
            return Response(error.as_payload(), status=error.status)
        return Response({"received": result.received, "created": result.created, "updated": result.updated})


class MetricListView(generics.ListCreateAPIView):
    """The team's metrics; editors (or keys with the write scope) create new ones."""

    serializer_class = MetricSerializer
    pagination_class = None

    def get_team(self) -> Team:
        role = Role.VIEWER if self.request.method == "GET" else Role.EDITOR
        return team_for_request(self.request, self.kwargs["team_slug"], role=role)

    def get_queryset(self) -> QuerySet[Metric]:
        return selectors.metrics_of_team(team=self.get_team())

    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        team = self.get_team()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        metric = services.metric_create(team=team, source=Source.API, **serializer.validated_data)
        return Response(MetricSerializer(metric).data, status=status.HTTP_201_CREATED)


def _parse_bound(request: Request, name: str, team: Team) -> datetime | None:
    text = request.query_params.get(name)
    if not text:
        return None
    parser = TimestampParser(tz=ZoneInfo(team.timezone), now=None)
    try:
        return parser.parse(text)
    except ValueError as error:
        raise ValidationError({name: [str(error)]}) from None


class MetricDatapointListView(generics.ListAPIView):
    """Points of one metric ordered by time, `from` <= ts < `to` (ISO 8601 or dates), paginated."""

    serializer_class = DataPointSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description=_("First time included (ISO 8601 with offset, or a date).")),
            OpenApiParameter("to", str, description=_("First time excluded (ISO 8601 with offset, or a date).")),
        ]
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[DataPoint]:
        team = team_for_request(self.request, self.kwargs["team_slug"], role=Role.VIEWER)
        metric = get_object_or_404(selectors.metrics_of_team(team=team), key=self.kwargs["key"])
        start = _parse_bound(self.request, "from", team)
        end = _parse_bound(self.request, "to", team)
        return selectors.datapoints_of_metric(metric=metric, start=start, end=end)


class DatapointDetailView(APIView):
    """Delete one data point (editors, or keys with the write scope)."""

    @extend_schema(responses={204: None})
    def delete(self, request: Request, team_slug: str, key: str, pk: int) -> Response:
        team = team_for_request(request, team_slug, role=Role.EDITOR)
        metric = get_object_or_404(selectors.metrics_of_team(team=team), key=key)
        datapoint = get_object_or_404(DataPoint, metric=metric, pk=pk)
        services.datapoint_delete(datapoint=datapoint)
        return Response(status=status.HTTP_204_NO_CONTENT)
