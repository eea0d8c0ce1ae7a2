from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from teams.models import Team


class Source(models.TextChoices):
    MANUAL = "manual", _("Manual entry")
    API = "api", _("REST API")
    CHANNEL = "channel", _("Channel")
    IMPORT = "import", _("CSV import")


class Channel(models.Model):
    """A social media account (or other feed) whose metrics a connector pulls."""

    class Status(models.TextChoices):
        OK = "ok", _("OK")
        FAILING = "failing", _("Failing")
        NEEDS_ATTENTION = "needs_attention", _("Needs attention")

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="channels")
    platform = models.CharField(_("platform"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    key_prefix = models.SlugField(
        _("metric key prefix"),
        max_length=40,
        help_text=_("The channel's metrics get keys like <prefix>-followers; it never changes after creation."),
    )
    account_ref = models.CharField(_("account"), max_length=255, blank=True)
    settings = models.JSONField(_("settings"), default=dict, blank=True)
    credentials_encrypted = models.TextField(blank=True, editable=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    sync_interval = models.DurationField(_("sync interval"), default=timedelta(days=1))
    next_sync_at = models.DateTimeField(_("next sync"), null=True, blank=True, db_index=True)
    last_synced_at = models.DateTimeField(_("last synced"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OK)
    last_error = models.TextField(_("last error"), blank=True)
    attention_hint = models.TextField(_("what to do"), blank=True)
    consecutive_failures = models.PositiveIntegerField(_("failed syncs in a row"), default=0)
    # "Connect with …" (metrics/oauth): who signed in, and when the stored access token stops working. A refreshable
    # token is renewed ahead of expiry by a beat task; the connection itself then lapses with the refresh token.
    oauth_provider = models.CharField(_("connected through"), max_length=20, blank=True)
    connected_as = models.CharField(_("connected as"), max_length=200, blank=True)
    token_expires_at = models.DateTimeField(_("token valid until"), null=True, blank=True, db_index=True)
    token_refreshable = models.BooleanField(_("token renewed automatically"), default=False)
    refresh_expires_at = models.DateTimeField(_("renewal possible until"), null=True, blank=True)
    # What the daily digest already told the team's admins (a lapse date, metric removals), so it tells them once.
    notices = models.JSONField(default=dict, blank=True, editable=False)
    # The sync lease: whoever holds claim_token may sync until claimed_until; an expired lease
    # (crashed worker, lost message) lets the dispatcher claim the channel again.
    claim_token = models.CharField(max_length=36, blank=True, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        constraints = [models.UniqueConstraint(fields=["team", "key_prefix"], name="channel_unique_team_key_prefix")]

    def __str__(self) -> str:
        return self.name

    @property
    def connection_lapses_at(self) -> datetime | None:
        """When the connection stops working unless someone reconnects (None: not known to lapse)."""
        return self.refresh_expires_at if self.token_refreshable else self.token_expires_at

    @property
    def sync_interval_words(self) -> str:
        """The interval as people say it ("1 hour", "1 day"), in the active language."""
        start = timezone.now()
        return timesince(start, start + self.sync_interval)


class Metric(models.Model):
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="metrics")
    key = models.SlugField(_("key"), max_length=80, help_text=_("Short name used by the API and CSV files."))
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    channel = models.ForeignKey(
        Channel, verbose_name=_("channel"), null=True, blank=True, on_delete=models.SET_NULL, related_name="metrics"
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")
        constraints = [models.UniqueConstraint(fields=["team", "key"], name="metric_unique_team_key")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("metrics:metric-detail", args=[self.team.slug, self.key])


class DataPoint(models.Model):
    metric = models.ForeignKey(Metric, verbose_name=_("metric"), on_delete=models.CASCADE, related_name="datapoints")
    ts = models.DateTimeField(_("time"))
    value = models.FloatField(_("value"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["metric", "ts"]
        verbose_name = _("data point")
        verbose_name_plural = _("data points")
        # The unique constraint's index (metric, ts) also serves every range read.
        constraints = [models.UniqueConstraint(fields=["metric", "ts"], name="datapoint_unique_metric_ts")]

    def __str__(self) -> str:
        return f"{self.metric_id} {self.ts:%Y-%m-%d %H:%M} = {self.value}"


class SyncRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        OK = "ok", _("OK")
        PARTIAL = "partial", _("Partly failed")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        MANUAL = "manual", _("Sync now")
        COMMAND = "command", _("Command line")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="sync_runs")
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    points_written = models.PositiveIntegerField(_("points written"), default=0)
    error = models.TextField(_("error"), blank=True)
    metric_errors = models.JSONField(_("errors per metric"), default=dict, blank=True)
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices, default=Trigger.SCHEDULE)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("sync run")
        verbose_name_plural = _("sync runs")

    def __str__(self) -> str:
        return f"{self.channel} {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class ImportJob(models.Model):
    """One CSV upload: previewed, then validated and written by a Celery task.

    The file's text is kept in the database (not on a local disk) so any worker host can read
    it; it is emptied once the import has finished.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Waiting for confirmation")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    content = models.TextField(blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    created_points = models.PositiveIntegerField(_("points created"), default=0)
    updated_points = models.PositiveIntegerField(_("points updated"), default=0)
    error_count = models.PositiveIntegerField(_("bad rows"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("CSV import")
        verbose_name_plural = _("CSV imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class PeriodAggregate(models.Model):
    """Shared columns of the maintained aggregates of a metric's points (see `metrics.aggregates`)."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField()
    sum = models.FloatField()
    min = models.FloatField()
    max = models.FloatField()
    first_ts = models.DateTimeField()
    first_value = models.FloatField()
    last_ts = models.DateTimeField()
    last_value = models.FloatField()

    class Meta:
        abstract = True


class MetricDay(PeriodAggregate):
    """A metric's points of one local day (the team's time zone): kept by the upsert service and point deletes."""

    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["metric", "day"], name="metricday_unique_metric_day")]

    def __str__(self) -> str:
        return f"{self.metric_id} {self.day} n={self.count}"


class MetricMonth(PeriodAggregate):
    """The days of one local calendar month added up (`month` is its first day): what month-or-longer views read."""

    month = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["metric", "month"], name="metricmonth_unique_metric_month")]

    def __str__(self) -> str:
        return f"{self.metric_id} {self.month:%Y-%m} n={self.count}"
