"""The one vocabulary for statuses: pages, exports, the heatmap, the report and the e-mails all use these words."""

from django.utils.translation import gettext as _

GREEN, AMBER, RED, GREY = "green", "amber", "red", "grey"


def status_label(status: str, *, in_progress: bool = False) -> str:
    """The status in words (colour is never the only signal). A period that has not ended is judged on pace."""
    if in_progress:
        labels = {GREEN: _("On pace"), AMBER: _("Slightly behind pace"), RED: _("Behind pace")}
    else:
        labels = {GREEN: _("On target"), AMBER: _("Below goal"), RED: _("Red flag")}
    return labels.get(status, _("No score"))
