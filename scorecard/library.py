"""The KPI library of the Social Media Scorecard template: proven social media KPIs per perspective.

Plain data, written once. Each KPI says how it is measured (unit, aggregation, decimals, frequency),
which way is better, the suggested target style (scoring type) and which channel metrics can feed
it: `feeds` lists connector metric keys (`MetricSpec.key` in `metrics/connectors/*.py`), best
first; a formula KPI names its terms as `{key}` placeholders that are filled with the team's
channel metrics. `scorecard.services.library` turns ticked entries into KPIs.
"""

import re
from dataclasses import dataclass
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Direction = Literal["up", "down", "band"]
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class LibraryKpi:
    key: str
    perspective: str  # PerspectiveKey value
    name: Promise
    definition: Promise
    unit: Promise | str
    aggregation: str  # Aggregation value (for a formula KPI: how it is entered by hand when no feed exists)
    direction: Direction
    scoring_type: str  # ScoringType value
    decimals: int = 0
    frequency: str = "month"
    feeds: tuple[str, ...] = ()  # connector metric keys, best first
    formula: str = ""  # e.g. "100 * sum({engagements}) / sum({reach})"

    @property
    def formula_terms(self) -> list[str]:
        """The connector metric keys the formula needs, e.g. ["engagements", "reach"]."""
        return _PLACEHOLDER.findall(self.formula)

    @property
    def direction_label(self) -> Promise:
        return DIRECTION_LABELS[self.direction]


DIRECTION_LABELS: dict[str, Promise] = {
    "up": _("Higher is better"),
    "down": _("Lower is better"),
    "band": _("Best within a band"),
}

L = LibraryKpi
# fmt: off
LIBRARY: tuple[LibraryKpi, ...] = (
    # --- Customer: how do we reach customers, and how do we get more satisfied customers? ---
    L("reach", "customer", _("Reach"), _("Number of unique accounts that saw our content in the period."),
      _("accounts"), "sum", "up", "goal_red_flag", feeds=("reach", "impressions", "media_views", "views")),
    L("followers", "customer", _("Followers"), _("Number of followers at the end of the period, over all channels."),
      _("followers"), "last", "up", "goal_red_flag", feeds=("followers", "subscribers")),
    L("follower_growth", "customer", _("Follower growth"),
      _("Percentage change in followers compared with the previous period."),
      "%", "last", "up", "goal_red_flag", decimals=1),
    L("share_of_voice", "customer", _("Share of voice"),
      _("Our share of all online mentions of us and our competitors, in percent."),
      "%", "avg", "up", "goal_red_flag", decimals=1),
    L("sentiment", "customer", _("Positive sentiment"),
      _("Share of mentions of our brand that are positive, in percent."), "%", "avg", "up", "goal_red_flag",
      decimals=1),
    L("satisfaction", "customer", _("Customer satisfaction"),
      _("Average satisfaction score (1 to 10) of customers served through social media."),
      _("score"), "avg", "up", "goal_red_flag", decimals=1),
    L("web_visits", "customer", _("Website visits from social"),
      _("Sessions on our website that came from social media."), _("sessions"), "sum", "up", "goal_red_flag",
      feeds=("sessions",)),
    L("mentions", "customer", _("Brand mentions"), _("Number of times our brand is mentioned on social media."),
      _("mentions"), "sum", "up", "goal_red_flag"),
    L("response_time", "customer", _("Response time"),
      _("Average time until a question on social media gets its first answer, in hours."),
      _("hours"), "avg", "down", "goal_red_flag", decimals=1),
    # --- Organisation: how do we organise ourselves around social media? ---
    L("trained_staff", "organisation", _("Trained staff"),
      _("Share of employees who completed the social media training, in percent."),
      "%", "last", "up", "goal_red_flag", frequency="quarter"),
    L("active_employees", "organisation", _("Employee advocates"),
      _("Number of employees who share company content on social media at least once a month."),
      _("employees"), "last", "up", "goal_red_flag"),
    L("questions_answered", "organisation", _("Questions answered"),
      _("Share of questions on social media that got an answer within the service hours, in percent."),
      "%", "avg", "up", "goal_red_flag", decimals=1),
    L("policy_in_place", "organisation", _("Social media policy in place"),
      _("Whether a current social media policy is published and known to staff (1 = yes, 0 = no)."),
      "", "last", "up", "yes_no", frequency="year"),
    L("content_calendar", "organisation", _("Content calendar followed"),
      _("Share of planned posts that were published on time, in percent."), "%", "avg", "up", "goal_red_flag"),
    L("hours_spent", "organisation", _("Hours spent on social media"),
      _("Hours the team spent on social media in the period; stay within the planned capacity."),
      _("hours"), "sum", "band", "stabilize"),
    L("webcare_coverage", "organisation", _("Webcare coverage"),
      _("Hours per week in which questions on social media are monitored and answered."),
      _("hours"), "last", "up", "goal_red_flag", frequency="quarter"),
    L("departments_active", "organisation", _("Departments on social media"),
      _("Number of departments that publish on social media themselves."), _("departments"), "last", "up",
      "goal_only", frequency="quarter"),
    # --- Social media: how do we use social media effectively? ---
    L("engagement_rate", "social_media", _("Engagement rate"),
      _("Interactions (likes, comments, shares, clicks) as a percentage of reach."),
      "%", "avg", "up", "goal_red_flag", decimals=2, feeds=("engagement",),
      formula="100 * sum({engagements}) / sum({reach})"),
    L("engagements", "social_media", _("Engagements"), _("Likes, comments, shares and saves on our posts."),
      _("interactions"), "sum", "up", "goal_red_flag", feeds=("engagements", "post_engagements", "interactions")),
    L("posting_frequency", "social_media", _("Posting frequency"), _("Number of posts published in the period."),
      _("posts"), "sum", "band", "stabilize"),
    L("posts_total", "social_media", _("Posts published"), _("Total number of posts on the account."),
      _("posts"), "last", "up", "goal_only", feeds=("posts", "videos")),
    L("clicks", "social_media", _("Link clicks"), _("Clicks on links in our posts."), _("clicks"), "sum", "up",
      "goal_red_flag", feeds=("clicks",)),
    L("click_through_rate", "social_media", _("Click-through rate"),
      _("Link clicks as a percentage of impressions."), "%", "avg", "up", "goal_red_flag", decimals=2,
      formula="100 * sum({clicks}) / sum({impressions})"),
    L("video_views", "social_media", _("Video views"), _("Number of times our videos were watched."), _("views"),
      "sum", "up", "goal_red_flag", feeds=("views", "media_views")),
    L("engaged_sessions", "social_media", _("Engaged sessions from social"),
      _("Website sessions from social media in which visitors really engaged."), _("sessions"), "sum", "up",
      "goal_red_flag", feeds=("engaged_sessions",)),
    # --- Financial: what does social media contribute to the financial result? ---
    L("leads", "financial", _("Leads from social"),
      _("Number of leads (sign-ups, requests, key events) that came from social media."),
      _("leads"), "sum", "up", "goal_red_flag", feeds=("key_events",)),
    L("revenue", "financial", _("Revenue from social"), _("Revenue from visitors who came through social media."),
      "EUR", "sum", "up", "goal_red_flag", feeds=("revenue",)),
    L("cost_per_lead", "financial", _("Cost per lead"),
      _("Social media costs (people, tools, ads) divided by the number of leads from social."),
      "EUR", "avg", "down", "goal_red_flag", decimals=2),
    L("social_roi", "financial", _("Social ROI"),
      _("(Revenue from social minus social media costs) as a percentage of those costs."),
      "%", "last", "up", "goal_red_flag", decimals=1, frequency="quarter"),
    L("conversion_rate", "financial", _("Conversion rate from social"),
      _("Key events as a percentage of website sessions from social media."), "%", "avg", "up", "goal_red_flag",
      decimals=2, formula="100 * sum({key_events}) / sum({sessions})"),
    L("ad_spend", "financial", _("Ad spend"), _("Money spent on social media advertising; stay within budget."),
      "EUR", "sum", "band", "stabilize"),
    L("cost_per_click", "financial", _("Cost per click"),
      _("Average cost of one click on a paid social media post."), "EUR", "avg", "down", "goal_red_flag",
      decimals=2),
    L("customer_value", "financial", _("Value of customers from social"),
      _("Average order value of customers who came through social media."), "EUR", "avg", "up", "goal_red_flag",
      decimals=2),
    L("cost_savings", "financial", _("Service cost savings"),
      _("Cost saved because questions were answered on social media instead of by phone."),
      "EUR", "sum", "up", "goal_red_flag", frequency="quarter"),
)
# fmt: on
del L

LIBRARY_BY_KEY: dict[str, LibraryKpi] = {item.key: item for item in LIBRARY}


def library_of(perspective: str) -> list[LibraryKpi]:
    return [item for item in LIBRARY if item.perspective == perspective]
