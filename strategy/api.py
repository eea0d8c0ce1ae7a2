"""REST API of strategy maps: /api/v1/teams/<team>/strategy-maps/ with nested objectives, factors, links.

Reads need a viewer (or a key with the read scope), writes an editor (or a key with the write
scope). Writes go through the services, so refusals carry the same messages as the web forms.
"""

from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from teams.access import team_for_request
from teams.errors import ApplicationError
from teams.models import Role, Team

from . import services
from .models import Objective, ObjectiveLink, StrategyMap, SuccessFactor
from .perspectives import PERSPECTIVE_KEYS
from .selectors import map_links, objectives_of_team, strategy_map_full_queryset


class SuccessFactorSerializer(serializers.ModelSerializer):
    kpi_count = serializers.IntegerField(read_only=True, help_text="How many KPIs measure this success factor.")

    class Meta:
        model = SuccessFactor
        fields = ["id", "title", "description", "order", "kpi_count"]
        extra_kwargs = {"order": {"required": False}}


class ObjectiveSerializer(serializers.ModelSerializer):
    success_factors = SuccessFactorSerializer(many=True, read_only=True)
    perspective = serializers.ChoiceField(
        choices=PERSPECTIVE_KEYS,
        allow_null=True,
        required=False,
        help_text="The perspective the objective is placed in; null while it is not placed.",
    )

    class Meta:
        model = Objective
        fields = ["id", "title", "description", "order", "perspective", "success_factors"]
        extra_kwargs = {"order": {"required": False}}


class ObjectiveLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = ObjectiveLink
        fields = ["id", "cause", "effect"]
        validators: list = []  # the service refuses duplicates, with the same message as the form

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = self.context.get("team")
        queryset = objectives_of_team(team=team) if team is not None else Objective.objects.none()
        self.fields["cause"].queryset = queryset  # type: ignore[attr-defined]
        self.fields["effect"].queryset = queryset  # type: ignore[attr-defined]


class StrategyMapSerializer(serializers.ModelSerializer):
    objectives = ObjectiveSerializer(many=True, read_only=True)
    links = serializers.SerializerMethodField()

    class Meta:
        model = StrategyMap
        fields = [
            "id",
            "title",
            "mission",
            "vision",
            "period_start",
            "period_end",
            "status",
            "objectives",
            "links",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_links(self, strategy_map: StrategyMap) -> list[dict[str, int]]:
        return [{"id": lk.pk, "cause": lk.cause_id, "effect": lk.effect_id} for lk in map_links(strategy_map)]


class StrategyMapCopySerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    period_start = serializers.DateField()
    period_end = serializers.DateField()


def _factors(team: Team) -> QuerySet[SuccessFactor]:
    return SuccessFactor.objects.filter(objective__strategy_map__team=team).annotate(kpi_count=Count("kpis"))


class _StrategyApi(GenericAPIView):
    """Finds the team (and the map) through teams.access for every request."""

    def team(self, request: Request, team_slug: str, *, write: bool = False) -> Team:
        return team_for_request(request, team_slug, role=Role.EDITOR if write else Role.VIEWER)

    def full_map(self, team: Team, map_id: int) -> StrategyMap:
        return get_object_or_404(strategy_map_full_queryset(team=team), pk=map_id)

    def plain_map(self, team: Team, map_id: int) -> StrategyMap:
        return get_object_or_404(StrategyMap.objects.filter(team=team), pk=map_id)

    def objective(self, team: Team, map_id: int, objective_id: int) -> Objective:
        queryset = objectives_of_team(team=team).filter(strategy_map_id=map_id)
        return get_object_or_404(queryset, pk=objective_id)

    def objective_out(self, objective: Objective) -> dict[str, Any]:
        """The objective as saved, with its success factors and their KPI counts (two queries)."""
        factors = Prefetch("success_factors", queryset=SuccessFactor.objects.annotate(kpi_count=Count("kpis")))
        return ObjectiveSerializer(Objective.objects.prefetch_related(factors).get(pk=objective.pk)).data


class StrategyMapListApi(_StrategyApi):
    serializer_class = StrategyMapSerializer

    @extend_schema(operation_id="strategy_maps_list", responses=StrategyMapSerializer(many=True))
    def get(self, request: Request, team_slug: str) -> Response:
        team = self.team(request, team_slug)
        page = self.paginate_queryset(strategy_map_full_queryset(team=team))
        return self.get_paginated_response(StrategyMapSerializer(page, many=True).data)

    @extend_schema(operation_id="strategy_maps_create", responses={201: StrategyMapSerializer})
    def post(self, request: Request, team_slug: str) -> Response:
        team = self.team(request, team_slug, write=True)
        serializer = StrategyMapSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        strategy_map = services.strategy_map_create(team=team, **serializer.validated_data)
        return Response(
            StrategyMapSerializer(self.full_map(team, strategy_map.pk)).data, status=status.HTTP_201_CREATED
        )


class StrategyMapDetailApi(_StrategyApi):
    serializer_class = StrategyMapSerializer

    def get(self, request: Request, team_slug: str, map_id: int) -> Response:
        team = self.team(request, team_slug)
        return Response(StrategyMapSerializer(self.full_map(team, map_id)).data)

    def put(self, request: Request, team_slug: str, map_id: int, *, partial: bool = False) -> Response:
        team = self.team(request, team_slug, write=True)
        strategy_map = self.plain_map(team, map_id)
        serializer = StrategyMapSerializer(strategy_map, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        services.strategy_map_update(strategy_map=strategy_map, **serializer.validated_data)
        return Response(StrategyMapSerializer(self.full_map(team, map_id)).data)

    def patch(self, request: Request, team_slug: str, map_id: int) -> Response:
        return self.put(request, team_slug, map_id, partial=True)

    def delete(self, request: Request, team_slug: str, map_id: int) -> Response:
        team = self.team(request, team_slug, write=True)
        services.strategy_map_delete(strategy_map=self.plain_map(team, map_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class StrategyMapCopyApi(_StrategyApi):
    serializer_class = StrategyMapCopySerializer

    @extend_schema(request=StrategyMapCopySerializer, responses={201: StrategyMapSerializer})
    def post(self, request: Request, team_slug: str, map_id: int) -> Response:
        team = self.team(request, team_slug, write=True)
        serializer = StrategyMapCopySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        copy = services.strategy_map_copy(strategy_map=self.plain_map(team, map_id), **serializer.validated_data)
        return Response(StrategyMapSerializer(self.full_map(team, copy.pk)).data, status=status.HTTP_201_CREATED)


class ObjectiveListApi(_StrategyApi):
    serializer_class = ObjectiveSerializer
    pagination_class = None  # every item of the parent at once (a map has a handful)

    @extend_schema(operation_id="strategy_map_objectives_list", responses=ObjectiveSerializer(many=True))
    def get(self, request: Request, team_slug: str, map_id: int) -> Response:
        team = self.team(request, team_slug)
        return Response(ObjectiveSerializer(self.full_map(team, map_id).objectives.all(), many=True).data)

    @extend_schema(responses={201: ObjectiveSerializer})
    def post(self, request: Request, team_slug: str, map_id: int) -> Response:
        team = self.team(request, team_slug, write=True)
        strategy_map = self.plain_map(team, map_id)
        serializer = ObjectiveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        objective = services.objective_create(strategy_map=strategy_map, **serializer.validated_data)
        return Response(self.objective_out(objective), status=status.HTTP_201_CREATED)


class ObjectiveDetailApi(_StrategyApi):
    serializer_class = ObjectiveSerializer

    def get(self, request: Request, team_slug: str, map_id: int, objective_id: int) -> Response:
        team = self.team(request, team_slug)
        return Response(self.objective_out(self.objective(team, map_id, objective_id)))

    def put(
        self, request: Request, team_slug: str, map_id: int, objective_id: int, *, partial: bool = False
    ) -> Response:
        team = self.team(request, team_slug, write=True)
        objective = self.objective(team, map_id, objective_id)
        serializer = ObjectiveSerializer(objective, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        services.objective_update(objective=objective, **serializer.validated_data)
        return Response(self.objective_out(objective))

    def patch(self, request: Request, team_slug: str, map_id: int, objective_id: int) -> Response:
        return self.put(request, team_slug, map_id, objective_id, partial=True)

    def delete(self, request: Request, team_slug: str, map_id: int, objective_id: int) -> Response:
        team = self.team(request, team_slug, write=True)
        services.objective_delete(objective=self.objective(team, map_id, objective_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SuccessFactorListApi(_StrategyApi):
    serializer_class = SuccessFactorSerializer
    pagination_class = None  # every item of the parent at once (a map has a handful)

    @extend_schema(operation_id="strategy_map_success_factors_list", responses=SuccessFactorSerializer(many=True))
    def get(self, request: Request, team_slug: str, map_id: int, objective_id: int) -> Response:
        team = self.team(request, team_slug)
        objective = self.objective(team, map_id, objective_id)
        return Response(SuccessFactorSerializer(_factors(team).filter(objective=objective), many=True).data)

    @extend_schema(responses={201: SuccessFactorSerializer})
    def post(self, request: Request, team_slug: str, map_id: int, objective_id: int) -> Response:
        team = self.team(request, team_slug, write=True)
        objective = self.objective(team, map_id, objective_id)
        serializer = SuccessFactorSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        factor = services.success_factor_create(objective=objective, **serializer.validated_data)
        return Response(SuccessFactorSerializer(_factors(team).get(pk=factor.pk)).data, status=status.HTTP_201_CREATED)


class SuccessFactorDetailApi(_StrategyApi):
    serializer_class = SuccessFactorSerializer

    def factor(self, team: Team, map_id: int, objective_id: int, factor_id: int) -> SuccessFactor:
        queryset = _factors(team).filter(objective_id=objective_id, objective__strategy_map_id=map_id)
        return get_object_or_404(queryset, pk=factor_id)

    def get(self, request: Request, team_slug: str, map_id: int, objective_id: int, factor_id: int) -> Response:
        team = self.team(request, team_slug)
        return Response(SuccessFactorSerializer(self.factor(team, map_id, objective_id, factor_id)).data)

    def put(
        self, request: Request, team_slug: str, map_id: int, objective_id: int, factor_id: int, *, partial: bool = False
    ) -> Response:
        team = self.team(request, team_slug, write=True)
        factor = self.factor(team, map_id, objective_id, factor_id)
        serializer = SuccessFactorSerializer(factor, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        services.success_factor_update(success_factor=factor, **serializer.validated_data)
        return Response(SuccessFactorSerializer(self.factor(team, map_id, objective_id, factor_id)).data)

    def patch(self, request: Request, team_slug: str, map_id: int, objective_id: int, factor_id: int) -> Response:
        return self.put(request, team_slug, map_id, objective_id, factor_id, partial=True)

    def delete(self, request: Request, team_slug: str, map_id: int, objective_id: int, factor_id: int) -> Response:
        team = self.team(request, team_slug, write=True)
        services.success_factor_delete(success_factor=self.factor(team, map_id, objective_id, factor_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ObjectiveLinkListApi(_StrategyApi):
    serializer_class = ObjectiveLinkSerializer
    pagination_class = None  # every item of the parent at once (a map has a handful)

    @extend_schema(operation_id="strategy_map_links_list", responses=ObjectiveLinkSerializer(many=True))
    def get(self, request: Request, team_slug: str, map_id: int) -> Response:
        team = self.team(request, team_slug)
        links = ObjectiveLink.objects.filter(cause__strategy_map=self.plain_map(team, map_id)).order_by("pk")
        return Response(ObjectiveLinkSerializer(links, many=True, context={"team": team}).data)

    @extend_schema(responses={201: ObjectiveLinkSerializer})
    def post(self, request: Request, team_slug: str, map_id: int) -> Response:
        team = self.team(request, team_slug, write=True)
        strategy_map = self.plain_map(team, map_id)
        serializer = ObjectiveLinkSerializer(data=request.data, context={"team": team})
        serializer.is_valid(raise_exception=True)
        cause, effect = serializer.validated_data["cause"], serializer.validated_data["effect"]
        if strategy_map.pk not in (cause.strategy_map_id, effect.strategy_map_id):
            raise ApplicationError(services.same_map_message())
        link = services.objective_link_create(cause=cause, effect=effect)
        return Response(ObjectiveLinkSerializer(link, context={"team": team}).data, status=status.HTTP_201_CREATED)


class ObjectiveLinkDetailApi(_StrategyApi):
    serializer_class = ObjectiveLinkSerializer

    def link(self, team: Team, map_id: int, link_id: int) -> ObjectiveLink:
        return get_object_or_404(
            ObjectiveLink.objects.filter(cause__strategy_map=self.plain_map(team, map_id)), pk=link_id
        )

    def get(self, request: Request, team_slug: str, map_id: int, link_id: int) -> Response:
        team = self.team(request, team_slug)
        return Response(ObjectiveLinkSerializer(self.link(team, map_id, link_id), context={"team": team}).data)

    def delete(self, request: Request, team_slug: str, map_id: int, link_id: int) -> Response:
        team = self.team(request, team_slug, write=True)
        services.objective_link_delete(link=self.link(team, map_id, link_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
