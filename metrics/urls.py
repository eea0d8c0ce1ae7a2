from django.urls import path

from . import api, views

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
]
