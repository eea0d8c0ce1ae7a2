"""REST API of the teams app: who am I talking to (for integrations checking a key)."""

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .access import team_for_request
from .models import Team


class TeamSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)  # type: ignore[var-annotated,assignment]

    class Meta:
        model = Team
        fields = ["slug", "name", "parent", "timezone"]


class TeamDetailView(APIView):
    """The team, as seen by a member or by one of its API keys with the read scope."""

    serializer_class = TeamSerializer

    def get(self, request: Request, team_slug: str) -> Response:
        team = team_for_request(request, team_slug)
        return Response(TeamSerializer(team).data)
