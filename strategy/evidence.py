"""Does the data back a cause-effect arrow? A pure function of two monthly series (no database).

For a link cause -> effect we pair the cause's score in month m with the effect's score in month
m + lag, for lags of 0 to `MAX_LAG` months, over the months both series have a value. At each lag
with at least `MIN_MONTHS` pairs (and some variation in both) we take Pearson's correlation r; the
best lag is the one with the strongest correlation (largest |r|; the shorter lag on a tie). The label:

* **supported**: the best r is at least `SUPPORTED_R` (the effect clearly moves with the cause);
* **contradicted**: the best r is at most `-CONTRADICTED_R` (it clearly moves against it);
* **weak**: in between;
* **not enough data**: no lag has `MIN_MONTHS` paired months with variation in both series.

These thresholds are the only ones; pages, the legend and the tests read them from here. A
correlation is not proof of cause, and the pages say so.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

MIN_MONTHS = 12
MAX_LAG = 3
SUPPORTED_R = 0.5
CONTRADICTED_R = 0.5

SUPPORTED = "supported"
WEAK = "weak"
CONTRADICTED = "contradicted"
NO_DATA = "no_data"
# label key -> English source (translated where shown), in the legend's order
LABELS: dict[str, str] = {
    SUPPORTED: gettext_noop("Supported by the data"),
    WEAK: gettext_noop("Weak evidence"),
    CONTRADICTED: gettext_noop("Contradicted by the data"),
    NO_DATA: gettext_noop("Not enough data"),
}

MonthlySeries = Mapping[date, float | None]  # first day of a month -> the objective's score that month


@dataclass(frozen=True)
class Evidence:
    label: str
    r: float | None = None
    lag: int | None = None  # months the effect follows the cause
    months: int = 0  # paired months at the best lag

    @property
    def label_text(self) -> str:
        return _(LABELS[self.label])


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r, or None when either series does not vary."""
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    dx = [x - mean_x for x in xs]
    dy = [y - mean_y for y in ys]
    sxx, syy = sum(d * d for d in dx), sum(d * d for d in dy)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return max(-1.0, min(1.0, sum(a * b for a, b in zip(dx, dy, strict=True)) / math.sqrt(sxx * syy)))


def paired(cause: MonthlySeries, effect: MonthlySeries, lag: int) -> list[tuple[date, float, float]]:
    """(cause month, cause value, effect value lag months later) for every month both have a value."""
    pairs = []
    for month, value in sorted(cause.items()):
        later = effect.get(add_months(month, lag))
        if value is not None and later is not None:
            pairs.append((month, value, later))
    return pairs


def link_evidence(cause: MonthlySeries, effect: MonthlySeries) -> Evidence:
    best: Evidence | None = None
    for lag in range(MAX_LAG + 1):
        pairs = paired(cause, effect, lag)
        if len(pairs) < MIN_MONTHS:
            continue
        r = pearson([p[1] for p in pairs], [p[2] for p in pairs])
        if r is not None and (best is None or best.r is None or abs(r) > abs(best.r) + 1e-12):
            best = Evidence(label=_label(r), r=r, lag=lag, months=len(pairs))
    return best or Evidence(label=NO_DATA)


def _label(r: float) -> str:
    if r >= SUPPORTED_R:
        return SUPPORTED
    if r <= -CONTRADICTED_R:
        return CONTRADICTED
    return WEAK


def evidence_sentence(evidence: Evidence, *, cause: str, effect: str) -> str:
    """The finding in plain words, e.g. "Over 24 months, leads moved with engagement 2 months later (r = 0.71)."."""
    if evidence.r is None or evidence.lag is None:
        return _(
            "There are not yet %(months)d months with scores for both “%(cause)s” and “%(effect)s”, so the data "
            "cannot say whether this link holds."
        ) % {"months": MIN_MONTHS, "cause": cause, "effect": effect}
    if evidence.lag == 0:
        when = _("in the same month")
    else:
        when = ngettext("%(count)d month later", "%(count)d months later", evidence.lag) % {"count": evidence.lag}
    values = {"months": evidence.months, "cause": cause, "effect": effect, "when": when, "r": f"{evidence.r:.2f}"}
    if evidence.label == SUPPORTED:
        text = _("Over %(months)d months, “%(effect)s” moved with “%(cause)s” %(when)s (r = %(r)s).")
    elif evidence.label == CONTRADICTED:
        text = _("Over %(months)d months, “%(effect)s” moved against “%(cause)s” %(when)s (r = %(r)s).")
    else:
        text = _(
            "Over %(months)d months, “%(effect)s” hardly moved with “%(cause)s”; the strongest link is "
            "%(when)s (r = %(r)s)."
        )
    return f"{text % values} {_('This is a correlation, not proof of cause.')}"
