"""Serializers check shapes and keep references inside the team; domain rules are in the services."""

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from metrics.models import Metric
from strategy.models import StrategyMap, SuccessFactor
from teams.selectors import users_of_team

from ..models import KPI, Action, Perspective, Scorecard, Target

User = get_user_model()
# The same words for a user of another organisation and for no user at all: the API does not tell them apart.
OWNER_NOT_FOUND = _("No member of this team or of a team above it is called “{value}”.")


class TeamScopedSerializer(serializers.ModelSerializer):
    """Related fields offer only objects of the request's team (others are 'does not exist')."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team: Any = self.context.get("team")
        scorecard = self.context.get("scorecard")
        if team is None:  # the OpenAPI schema generator builds serializers without a request
            return
        querysets = {
            "strategy_map": lambda: StrategyMap.objects.filter(team=team),
            "metric": lambda: Metric.objects.filter(team=team),
            "success_factor": lambda: SuccessFactor.objects.filter(objective__strategy_map__team=team),
            "perspective": lambda: Perspective.objects.filter(scorecard=scorecard),
            "kpi": lambda: KPI.objects.filter(perspective__scorecard=scorecard),
            "owner": lambda: users_of_team(team=team),
        }
        for name, queryset in querysets.items():
            field = self.fields.get(name)
            if field is not None and not field.read_only:
                field.queryset = queryset()  # type: ignore[attr-defined]


class ScorecardSerializer(TeamScopedSerializer):
    class Meta:
        model = Scorecard
        fields = ["id", "strategy_map", "title", "frequency", "created_at"]
        read_only_fields = ["created_at"]


class ScorecardUpdateSerializer(ScorecardSerializer):
    class Meta(ScorecardSerializer.Meta):
        read_only_fields = ["strategy_map", "created_at"]


class PerspectiveSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="label", max_length=100)
    question = serializers.CharField(source="guiding_question", max_length=300, allow_blank=True)

    class Meta:
        model = Perspective
        fields = ["id", "key", "name", "question", "order", "weight"]
        read_only_fields = ["key"]


class KpiSerializer(TeamScopedSerializer):
    metric = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="key", queryset=Metric.objects.none(), required=False, allow_null=True
    )
    owner = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="username",
        queryset=User.objects.none(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": OWNER_NOT_FOUND},
    )

    class Meta:
        model = KPI
        fields = [
            "id",
            "perspective",
            "name",
            "description",
            "success_factor",
            "metric",
            "aggregation",
            "formula",
            "unit",
            "decimals",
            "frequency",
            "scoring_type",
            "weight",
            "owner",
            "baseline",
            "order",
        ]


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "kpi", "period_start", "period_end", "goal", "red_flag", "goal_high", "red_flag_high", "pacing"]
        read_only_fields = ["kpi"]


class ActionSerializer(TeamScopedSerializer):
    owner = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="username",
        queryset=User.objects.none(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": OWNER_NOT_FOUND},
    )

    class Meta:
        model = Action
        fields = [
            "id",
            "perspective",
            "kpi",
            "title",
            "description",
            "owner",
            "due_date",
            "status",
            "progress",
            "completed_on",
        ]
