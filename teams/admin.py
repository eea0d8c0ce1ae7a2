from django.contrib import admin
from rest_framework_api_key.admin import APIKeyModelAdmin

from .models import Invitation, Membership, Team, TeamApiKey


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "timezone"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(TeamApiKey)
class TeamApiKeyAdmin(APIKeyModelAdmin):
    list_display = (*APIKeyModelAdmin.list_display, "team", "scopes", "last_used_at")  # type: ignore[assignment]
    list_filter = (*APIKeyModelAdmin.list_filter, "team")  # type: ignore[assignment]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role", "invited_by", "created_at"]
    list_filter = ["team"]
    autocomplete_fields = ["user", "team", "invited_by"]
