"""CRUD endpoints. Reads need a viewer (or a read key), writes an editor (or a write key).

Every object is looked up through the team's querysets, so another team's ids give 404.
Writes go through the services, whose refusals come back as 400 with their message.
"""

from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from teams.access import team_for_request
from teams.models import Role, Team

from .. import services
from ..models import Scorecard
from ..selectors import actions_of_team, kpis_of_team, perspectives_of_team, scorecards_of_team, targets_of_team
from .serializers import (
    ActionSerializer,
    KpiSerializer,
    PerspectiveSerializer,
    ScorecardSerializer,
    ScorecardUpdateSerializer,
    TargetSerializer,
)

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class TeamView(APIView):
    """Finds the team (and scorecard) of the URL with the role the method needs."""

    serializer_class: ClassVar[type[serializers.ModelSerializer]]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        role = Role.EDITOR if request.method in WRITE_METHODS else Role.VIEWER
        self.team: Team = team_for_request(request, kwargs["team_slug"], role=role)
        self.scorecard: Scorecard | None = None
        if "scorecard_id" in kwargs:
            self.scorecard = get_object_or_404(scorecards_of_team(self.team), pk=kwargs["scorecard_id"])

    def context(self) -> dict[str, Any]:
        return {"request": self.request, "team": self.team, "scorecard": self.scorecard}

    def validated(self, data: Any, instance: Model | None = None, *, partial: bool = False) -> dict[str, Any]:
        serializer = self.serializer_class(instance, data=data, partial=partial, context=self.context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def out(self, instance: Model, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.serializer_class(instance, context=self.context()).data, status=code)


class ListSchema(AutoSchema):
    """OpenAPI: a GET on a collection returns a list of items."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return self.method == "GET"


class ListView(TeamView):
    schema = ListSchema()

    def queryset(self) -> QuerySet:
        raise NotImplementedError

    def create(self, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def get(self, request: Request, **kwargs: Any) -> Response:
        items = self.queryset()
        return Response(self.serializer_class(items, many=True, context=self.context()).data)

    def post(self, request: Request, **kwargs: Any) -> Response:
        return self.out(self.create(self.validated(request.data)), status.HTTP_201_CREATED)


class DetailView(TeamView):
    update_serializer_class: ClassVar[type[serializers.ModelSerializer] | None] = None
    lookup_url_kwarg: ClassVar[str]

    def queryset(self) -> QuerySet:
        raise NotImplementedError

    def update(self, instance: Any, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def delete_instance(self, instance: Any) -> None:
        raise NotImplementedError

    def object(self) -> Any:
        return get_object_or_404(self.queryset(), pk=self.kwargs[self.lookup_url_kwarg])

    def get(self, request: Request, **kwargs: Any) -> Response:
        return self.out(self.object())

    def _change(self, request: Request, *, partial: bool) -> Response:
        instance = self.object()
        serializer_class = self.update_serializer_class or self.serializer_class
        serializer = serializer_class(instance, data=request.data, partial=partial, context=self.context())
        serializer.is_valid(raise_exception=True)
        return self.out(self.update(instance, dict(serializer.validated_data)))

    def put(self, request: Request, **kwargs: Any) -> Response:
        return self._change(request, partial=False)

    def patch(self, request: Request, **kwargs: Any) -> Response:
        return self._change(request, partial=True)

    def delete(self, request: Request, **kwargs: Any) -> Response:
        self.delete_instance(self.object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ScorecardListView(ListView):
    serializer_class = ScorecardSerializer

    def queryset(self) -> QuerySet:
        return scorecards_of_team(self.team)

    def create(self, data: dict[str, Any]) -> Model:
        return services.scorecard_create(
            team=self.team,
            strategy_map=data["strategy_map"],
            title=data["title"],
            frequency=data.get("frequency", "month"),
        )


class ScorecardDetailView(DetailView):
    serializer_class = ScorecardSerializer
    lookup_url_kwarg = "scorecard_id"
    update_serializer_class = ScorecardUpdateSerializer

    def queryset(self) -> QuerySet:
        return scorecards_of_team(self.team)

    def object(self) -> Any:
        return self.scorecard

    def update(self, instance: Any, data: dict[str, Any]) -> Model:
        return services.scorecard_update(
            scorecard=instance,
            title=data.get("title", instance.title),
            frequency=data.get("frequency", instance.frequency),
        )

    def delete_instance(self, instance: Any) -> None:
        services.scorecard_delete(scorecard=instance)


class PerspectiveListView(TeamView):
    """The four perspectives are fixed: they can be read and changed, not added or removed."""

    serializer_class = PerspectiveSerializer
    schema = ListSchema()

    def get(self, request: Request, **kwargs: Any) -> Response:
        items = perspectives_of_team(self.team).filter(scorecard=self.scorecard)
        return Response(self.serializer_class(items, many=True).data)


class PerspectiveDetailView(DetailView):
    serializer_class = PerspectiveSerializer
    lookup_url_kwarg = "perspective_id"
    http_method_names = ["get", "put", "patch", "head", "options"]

    def queryset(self) -> QuerySet:
        return perspectives_of_team(self.team).filter(scorecard=self.scorecard)

    def update(self, instance: Any, data: dict[str, Any]) -> Model:
        return services.perspective_update(
            perspective=instance,
            name=data.get("label", instance.name),
            question=data.get("guiding_question", instance.question),
            order=data.get("order", instance.order),
            weight=data.get("weight", instance.weight),
        )


class KpiListView(ListView):
    serializer_class = KpiSerializer

    def queryset(self) -> QuerySet:
        return kpis_of_team(self.team).filter(perspective__scorecard=self.scorecard)

    def create(self, data: dict[str, Any]) -> Model:
        perspective, name = data.pop("perspective"), data.pop("name")
        return services.kpi_create(perspective=perspective, name=name, **data)


class KpiDetailView(DetailView):
    serializer_class = KpiSerializer
    lookup_url_kwarg = "kpi_id"

    def queryset(self) -> QuerySet:
        return kpis_of_team(self.team).filter(perspective__scorecard=self.scorecard)

    def update(self, instance: Any, data: dict[str, Any]) -> Model:
        return services.kpi_update(kpi=instance, **data)

    def delete_instance(self, instance: Any) -> None:
        services.kpi_delete(kpi=instance)


class TargetListView(ListView):
    serializer_class = TargetSerializer

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.kpi = get_object_or_404(
            kpis_of_team(self.team).filter(perspective__scorecard=self.scorecard), pk=kwargs["kpi_id"]
        )

    def queryset(self) -> QuerySet:
        return targets_of_team(self.team).filter(kpi=self.kpi)

    def create(self, data: dict[str, Any]) -> Model:
        start, end, goal = data.pop("period_start"), data.pop("period_end"), data.pop("goal")
        return services.target_create(kpi=self.kpi, period_start=start, period_end=end, goal=goal, **data)


class TargetDetailView(DetailView):
    serializer_class = TargetSerializer
    lookup_url_kwarg = "target_id"

    def queryset(self) -> QuerySet:
        return targets_of_team(self.team).filter(
            kpi__perspective__scorecard=self.scorecard, kpi_id=self.kwargs["kpi_id"]
        )

    def update(self, instance: Any, data: dict[str, Any]) -> Model:
        return services.target_update(target=instance, **data)

    def delete_instance(self, instance: Any) -> None:
        services.target_delete(target=instance)


class ActionListView(ListView):
    serializer_class = ActionSerializer

    def queryset(self) -> QuerySet:
        return actions_of_team(self.team).filter(perspective__scorecard=self.scorecard)

    def create(self, data: dict[str, Any]) -> Model:
        perspective, title = data.pop("perspective"), data.pop("title")
        return services.action_create(perspective=perspective, title=title, **data)


class ActionDetailView(DetailView):
    serializer_class = ActionSerializer
    lookup_url_kwarg = "action_id"

    def queryset(self) -> QuerySet:
        return actions_of_team(self.team).filter(perspective__scorecard=self.scorecard)

    def update(self, instance: Any, data: dict[str, Any]) -> Model:
        return services.action_update(action=instance, **data)

    def delete_instance(self, instance: Any) -> None:
        services.action_delete(action=instance)
