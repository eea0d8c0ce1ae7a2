from django.urls import path

from . import api, channel_views, views
from .oauth import views as oauth_views

app_name = "metrics"

urlpatterns = [
    # --- Metrics, manual entry, CSV import (web) ---------------------------------------------
    path("t/<slug:team_slug>/metrics/", views.metric_list, name="metric-list"),
    path("t/<slug:team_slug>/metrics/new/", views.metric_create, name="metric-create"),
    path("t/<slug:team_slug>/metrics/import/", views.import_upload, name="import-upload"),
    path("t/<slug:team_slug>/metrics/import/<int:job_id>/", views.import_detail, name="import-detail"),
    path("t/<slug:team_slug>/metrics/import/<int:job_id>/start/", views.import_start, name="import-start"),
    path("t/<slug:team_slug>/metrics/import/<int:job_id>/status/", views.import_status, name="import-status"),
    path("t/<slug:team_slug>/metrics/<slug:key>/", views.metric_detail, name="metric-detail"),
    path("t/<slug:team_slug>/metrics/<slug:key>/edit/", views.metric_edit, name="metric-edit"),
    path("t/<slug:team_slug>/metrics/<slug:key>/delete/", views.metric_delete, name="metric-delete"),
    path(
        "t/<slug:team_slug>/metrics/<slug:key>/points/<int:pk>/delete/",
        views.datapoint_delete,
        name="datapoint-delete",
    ),
    # --- Metrics and ingestion (REST API) ------------------------------------------------------
    path("api/v1/teams/<slug:team_slug>/datapoints/", api.DatapointIngestView.as_view(), name="api-datapoints"),
    path("api/v1/teams/<slug:team_slug>/metrics/", api.MetricListView.as_view(), name="api-metric-list"),
    path(
        "api/v1/teams/<slug:team_slug>/metrics/<slug:key>/datapoints/",
        api.MetricDatapointListView.as_view(),
        name="api-metric-datapoints",
    ),
    path(
        "api/v1/teams/<slug:team_slug>/metrics/<slug:key>/datapoints/<int:pk>/",
        api.DatapointDetailView.as_view(),
        name="api-datapoint-detail",
    ),
    # --- Channels (web) --------------------------------------------------------------------------
    path("t/<slug:team_slug>/channels/", channel_views.channel_list, name="channel-list"),
    path("t/<slug:team_slug>/channels/add/", channel_views.channel_create, name="channel-create"),
    path("t/<slug:team_slug>/channels/<int:channel_id>/", channel_views.channel_detail, name="channel-detail"),
    path("t/<slug:team_slug>/channels/<int:channel_id>/edit/", channel_views.channel_edit, name="channel-edit"),
    path("t/<slug:team_slug>/channels/<int:channel_id>/delete/", channel_views.channel_delete, name="channel-delete"),
    path("t/<slug:team_slug>/channels/<int:channel_id>/sync/", channel_views.channel_sync_now, name="channel-sync"),
    path("t/<slug:team_slug>/channels/<int:channel_id>/status/", channel_views.channel_status, name="channel-status"),
    # --- "Connect with ..." (OAuth) ---------------------------------------------------------------
    path("t/<slug:team_slug>/channels/connect/<slug:provider>/", oauth_views.connect_start, name="channel-connect"),
    path(
        "t/<slug:team_slug>/channels/connect/pick/<str:flow_id>/",
        oauth_views.connect_pick,
        name="channel-connect-pick",
    ),
    path(
        "t/<slug:team_slug>/channels/<int:channel_id>/reconnect/",
        oauth_views.reconnect_start,
        name="channel-reconnect",
    ),
    # The one redirect URL registered with each platform; the team comes from the signed state.
    path("oauth/<slug:provider>/callback/", oauth_views.callback, name="oauth-callback"),
    path("oauth/<slug:provider>/guide/", oauth_views.guide, name="oauth-guide"),
]
