from django.contrib import admin

from .models import KPI, Action, NotificationPreference, Perspective, Scorecard, Target


class PerspectiveInline(admin.TabularInline):
    model = Perspective
    extra = 0
    fields = ["key", "name", "question", "order", "weight"]
    readonly_fields = ["key"]
    can_delete = False


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "strategy_map", "frequency", "created_at"]
    list_filter = ["frequency", "team"]
    search_fields = ["title"]
    inlines = [PerspectiveInline]


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(KPI)
class KpiAdmin(admin.ModelAdmin):
    list_display = ["name", "perspective", "metric", "aggregation", "frequency", "scoring_type", "owner"]
    list_filter = ["scoring_type", "frequency"]
    search_fields = ["name"]
    raw_id_fields = ["perspective", "metric", "success_factor", "owner"]
    inlines = [TargetInline]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "perspective", "kpi", "owner", "due_date", "status", "progress"]
    list_filter = ["status"]
    search_fields = ["title"]
    raw_id_fields = ["perspective", "kpi", "owner"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "daily_digest"]
