from django.contrib import admin
from django.http import HttpRequest

from .models import DataPoint, ImportJob, Metric


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "team", "unit", "source", "channel")
    list_filter = ("source", "team")
    search_fields = ("name", "key", "team__name")
    list_select_related = ("team", "channel")


@admin.register(DataPoint)
class DataPointAdmin(admin.ModelAdmin):
    """Read-only: data points are written only through metrics.services.datapoints_upsert."""

    list_display = ("metric", "ts", "value", "source", "updated_at")
    list_filter = ("source",)
    list_select_related = ("metric", "metric__team")
    search_fields = ("metric__key", "metric__team__name")
    date_hierarchy = "ts"
    readonly_fields = ("metric", "ts", "value", "source", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DataPoint | None = None) -> bool:
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("filename", "team", "status", "total_rows", "error_count", "created_at", "finished_at")
    list_filter = ("status",)
    list_select_related = ("team",)
    exclude = ("content",)
    readonly_fields = (
        "team",
        "created_by",
        "filename",
        "status",
        "total_rows",
        "created_points",
        "updated_points",
        "error_count",
        "errors",
        "finished_at",
    )
