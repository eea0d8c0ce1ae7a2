"""The one rule for the value of a data point, checked by every write path (REST, CSV, manual
entry, connectors): a finite number no larger than 10^15 either way. Pages, charts and exports
do arithmetic on stored values; a NaN, an infinity or 1e308 would break them or overflow."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _

MAX_ABS_VALUE = 1e15


def value_problem(value: float) -> str | None:
    """Why `value` cannot be stored (a message for the user), or None when it can."""
    if not math.isfinite(value):
        return _("NaN and infinite values are not allowed; send a finite number.")
    if abs(value) > MAX_ABS_VALUE:
        return _("%(value)s is out of range: values must lie between -10^15 and 10^15.") % {"value": f"{value:.6g}"}
    return None
