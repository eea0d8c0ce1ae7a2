from django.urls import path

from . import api, views
from .views import exports as export_views
from .views import library as library_views
from .views import portfolio as portfolio_views
from .views import workbook as workbook_views

app_name = "scorecard"

T = "t/<slug:team_slug>/"
API = "api/v1/teams/<slug:team_slug>/scorecards/"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path(T + "scorecards/", views.scorecard_list, name="scorecard-list"),
    path(T + "scorecards/new/", views.scorecard_create, name="scorecard-create"),
    path(T + "scorecards/new/template/", library_views.scorecard_from_library, name="scorecard-from-library"),
    path(T + "scorecards/import/", workbook_views.workbook_import, name="workbook-import"),
    path(T + "scorecards/import/confirm/", workbook_views.workbook_import_confirm, name="workbook-import-confirm"),
    path(T + "scorecards/import/template.xlsx", workbook_views.workbook_template, name="workbook-template"),
    path(T + "scorecards/<int:scorecard_id>/workbook.xlsx", workbook_views.workbook_export, name="workbook-export"),
    path(T + "scorecards/<int:scorecard_id>/", views.scorecard_detail, name="scorecard-detail"),
    path(T + "scorecards/<int:scorecard_id>/edit/", views.scorecard_edit, name="scorecard-edit"),
    path(T + "scorecards/<int:scorecard_id>/delete/", views.scorecard_delete, name="scorecard-delete"),
    path(T + "scorecards/<int:scorecard_id>/actions/new/", views.action_create, name="action-create"),
    path(T + "perspectives/<int:perspective_id>/edit/", views.perspective_edit, name="perspective-edit"),
    path(T + "perspectives/<int:perspective_id>/kpis/new/", views.kpi_create, name="kpi-create"),
    path(T + "kpis/<int:kpi_id>/", views.kpi_detail, name="kpi-detail"),
    path(T + "kpis/<int:kpi_id>/edit/", views.kpi_edit, name="kpi-edit"),
    path(T + "kpis/<int:kpi_id>/delete/", views.kpi_delete, name="kpi-delete"),
    path(T + "kpis/<int:kpi_id>/values/", views.kpi_value_enter, name="kpi-value-enter"),
    path(T + "kpis/<int:kpi_id>/targets/new/", views.target_create, name="target-create"),
    path(T + "targets/<int:target_id>/edit/", views.target_edit, name="target-edit"),
    path(T + "targets/<int:target_id>/delete/", views.target_delete, name="target-delete"),
    path(T + "actions/<int:action_id>/", views.action_detail, name="action-detail"),
    path(T + "actions/<int:action_id>/edit/", views.action_edit, name="action-edit"),
    path(T + "actions/<int:action_id>/delete/", views.action_delete, name="action-delete"),
    # --- Dashboards (issue 6: scorecard, perspective and KPI dashboards) ---------------------------------------
    path(
        T + "scorecards/<int:scorecard_id>/perspectives/<slug:perspective_key>/",
        views.perspective_dashboard,
        name="perspective-dashboard",
    ),
    # --- end of dashboards -------------------------------------------------------------------------------------
    # --- Cross-team overview, exports and print report (issue 6, items 4 and 5) ---
    path("portfolio/", portfolio_views.portfolio_overview, name="portfolio"),
    path(
        T + "scorecards/<int:scorecard_id>/export.xlsx",
        export_views.scorecard_export_xlsx,
        name="scorecard-export-xlsx",
    ),
    path(
        T + "scorecards/<int:scorecard_id>/export.csv", export_views.scorecard_export_csv, name="scorecard-export-csv"
    ),
    path(T + "scorecards/<int:scorecard_id>/report/", export_views.scorecard_report, name="scorecard-report"),
    # --- end of the cross-team / export block ---
    # REST API
    path(API, api.ScorecardListView.as_view(), name="api-scorecard-list"),
    path(API + "<int:scorecard_id>/", api.ScorecardDetailView.as_view(), name="api-scorecard-detail"),
    path(API + "<int:scorecard_id>/scores/", api.ScoresView.as_view(), name="api-scores"),
    path(API + "<int:scorecard_id>/perspectives/", api.PerspectiveListView.as_view(), name="api-perspective-list"),
    path(
        API + "<int:scorecard_id>/perspectives/<int:perspective_id>/",
        api.PerspectiveDetailView.as_view(),
        name="api-perspective-detail",
    ),
    path(API + "<int:scorecard_id>/kpis/", api.KpiListView.as_view(), name="api-kpi-list"),
    path(API + "<int:scorecard_id>/kpis/<int:kpi_id>/", api.KpiDetailView.as_view(), name="api-kpi-detail"),
    path(API + "<int:scorecard_id>/kpis/<int:kpi_id>/targets/", api.TargetListView.as_view(), name="api-target-list"),
    path(
        API + "<int:scorecard_id>/kpis/<int:kpi_id>/targets/<int:target_id>/",
        api.TargetDetailView.as_view(),
        name="api-target-detail",
    ),
    path(API + "<int:scorecard_id>/actions/", api.ActionListView.as_view(), name="api-action-list"),
    path(API + "<int:scorecard_id>/actions/<int:action_id>/", api.ActionDetailView.as_view(), name="api-action-detail"),
]
