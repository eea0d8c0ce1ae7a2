from django.contrib import admin

from .models import Objective, ObjectiveLink, StrategyMap, SuccessFactor


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0
    fields = ["title", "order"]
    show_change_link = True


class SuccessFactorInline(admin.TabularInline):
    model = SuccessFactor
    extra = 0
    fields = ["title", "description", "order"]


class ObjectiveLinkInline(admin.TabularInline):
    model = ObjectiveLink
    fk_name = "cause"
    extra = 0
    # Links are added in the app, where the service refuses cycles; here they can only be read or removed.
    fields = ["effect"]
    readonly_fields = ["effect"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(StrategyMap)
class StrategyMapAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "period_start", "period_end", "status"]
    list_filter = ["status", "team"]
    search_fields = ["title", "mission", "team__name"]
    list_select_related = ["team"]
    inlines = [ObjectiveInline]


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["title", "strategy_map", "order"]
    search_fields = ["title", "strategy_map__title"]
    list_select_related = ["strategy_map"]
    inlines = [SuccessFactorInline, ObjectiveLinkInline]
