from django.urls import path

from . import api, views

app_name = "strategy"

MAP = "t/<slug:team_slug>/strategy/<int:map_id>/"
API = "api/v1/teams/<slug:team_slug>/strategy-maps/"
API_MAP = API + "<int:map_id>/"
API_OBJECTIVE = API_MAP + "objectives/<int:objective_id>/"

urlpatterns = [
    path("t/<slug:team_slug>/strategy/", views.map_list, name="map-list"),
    path("t/<slug:team_slug>/strategy/new/", views.map_create, name="map-create"),
    path(MAP, views.map_detail, name="map-detail"),
    path(MAP + "edit/", views.map_edit, name="map-edit"),
    path(MAP + "delete/", views.map_delete, name="map-delete"),
    path(MAP + "copy/", views.map_copy, name="map-copy"),
    path(MAP + "objectives/", views.map_objectives, name="map-objectives"),
    path(MAP + "links/", views.map_links_page, name="map-links"),
    path(MAP + "map.svg", views.map_svg, name="map-svg"),
    path(MAP + "links/<int:link_id>/", views.link_detail, name="link-detail"),
    path(MAP + "links/<int:link_id>/delete/", views.link_delete, name="link-delete"),
    path(API, api.StrategyMapListApi.as_view(), name="api-map-list"),
    path(API_MAP, api.StrategyMapDetailApi.as_view(), name="api-map-detail"),
    path(API_MAP + "copy/", api.StrategyMapCopyApi.as_view(), name="api-map-copy"),
    path(API_MAP + "objectives/", api.ObjectiveListApi.as_view(), name="api-objective-list"),
    path(API_OBJECTIVE, api.ObjectiveDetailApi.as_view(), name="api-objective-detail"),
    path(API_OBJECTIVE + "success-factors/", api.SuccessFactorListApi.as_view(), name="api-factor-list"),
    path(
        API_OBJECTIVE + "success-factors/<int:factor_id>/",
        api.SuccessFactorDetailApi.as_view(),
        name="api-factor-detail",
    ),
    path(API_MAP + "links/", api.ObjectiveLinkListApi.as_view(), name="api-link-list"),
    path(API_MAP + "links/<int:link_id>/", api.ObjectiveLinkDetailApi.as_view(), name="api-link-detail"),
]
