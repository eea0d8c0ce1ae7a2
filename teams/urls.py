from django.urls import path

from . import api, views

app_name = "teams"

urlpatterns = [
    path("teams/", views.team_list, name="team-list"),
    path("teams/invitations/<int:invitation_id>/", views.invitation_respond, name="invitation-respond"),
    path("t/<slug:team_slug>/", views.team_home, name="team-home"),
    path("t/<slug:team_slug>/settings/members/", views.team_members, name="team-members"),
    path(
        "t/<slug:team_slug>/settings/members/<int:membership_id>/",
        views.membership_update,
        name="membership-update",
    ),
    path("t/<slug:team_slug>/settings/api-keys/", views.api_keys, name="api-keys"),
    path("t/<slug:team_slug>/settings/security/", views.team_security, name="team-security"),
    path("t/<slug:team_slug>/settings/api-keys/<str:prefix>/revoke/", views.api_key_revoke, name="api-key-revoke"),
    path("api/v1/teams/<slug:team_slug>/", api.TeamDetailView.as_view(), name="api-team-detail"),
]
