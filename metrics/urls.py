from django.urls import path

from . import channel_views

app_name = "metrics"

urlpatterns: list = [
    path("t/<slug:team_slug>/channels/", channel_views.channel_list, name="channel-list"),
    path("t/<slug:team_slug>/channels/add/", channel_views.channel_create, name="channel-create"),
    path("t/<slug:team_slug>/channels/<int:channel_id>/", channel_views.channel_detail, name="channel-detail"),
    path("t/<slug:team_slug>/channels/<int:channel_id>/edit/", channel_views.channel_edit, name="channel-edit"),
    path("t/<slug:team_slug>/channels/<int:channel_id>/delete/", channel_views.channel_delete, name="channel-delete"),
    path("t/<slug:team_slug>/channels/<int:channel_id>/sync/", channel_views.channel_sync_now, name="channel-sync"),
    path("t/<slug:team_slug>/channels/<int:channel_id>/status/", channel_views.channel_status, name="channel-status"),
]
