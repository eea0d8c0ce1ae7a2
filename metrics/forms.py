from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from teams.number_fields import LocalizedFloatField

from .models import Metric

MAX_UPLOAD_BYTES = 25 * 1024 * 1024  # 100,000 rows are about 4 MB


class MetricForm(forms.ModelForm):
    """Create a metric, or edit its name, unit and source (the key is fixed once created)."""

    class Meta:
        model = Metric
        fields = ["key", "name", "unit", "source"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["key"].disabled = True
            self.fields["key"].help_text = _("The key cannot change: integrations and CSV files use it.")

    def validate_unique(self) -> None:
        """Uniqueness of the key is checked by the service, with a clearer message."""


class DataPointForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    value = LocalizedFloatField(label=_("Value"))


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns metric, ts, value with a header row. Separated by commas, or by semicolons with "
            "decimal commas (as Dutch Excel saves it). Dates mean midnight in the team's time zone."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB; split it into smaller files.") % {"mb": MAX_UPLOAD_BYTES >> 20}
            )
        return upload
