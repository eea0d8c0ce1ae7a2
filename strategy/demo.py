"""Demo strategy maps. Idempotent: running it again leaves the same rows."""

import datetime

from teams.demo import DemoContext
from teams.models import Team

from .models import Objective, ObjectiveLink, StrategyMap, SuccessFactor

ACME_MISSION = (
    "We use social media to be the most helpful retailer in our customers' feeds: we inspire with real "
    "products and people, answer every question within the hour, and turn followers into loyal, "
    "returning customers."
)

ACME_OBJECTIVES = [
    # title, description, perspective, success factors
    (
        "Grow online revenue from social media",
        "More orders in the webshop that start on a social channel.",
        "financial",
        ["Shoppable posts and catalogue on every channel", "Tracked links and conversion measurement"],
    ),
    (
        "More loyal, returning customers",
        "Customers who follow us buy again and recommend us.",
        "customer",
        ["Exclusive offers for followers", "Reviews and user content shared by customers"],
    ),
    (
        "Customers find us and know what we offer",
        "Reach the right audience in our regions with relevant content.",
        "customer",
        [
            "Content calendar with weekly product stories",
            "Targeted paid campaigns per season",
            "Collaborations with local creators",
        ],
    ),
    (
        "Fast and friendly customer service in social channels",
        "Every question and complaint answered publicly or privately within the hour.",
        "social_media",
        ["Service team staffed 8:00-22:00", "Answer templates and escalation rules"],
    ),
    (
        "An engaged community around our brand",
        "Followers react, share and talk with us and with each other.",
        "social_media",
        ["Conversation-starting posts and polls", "Quick reactions to comments", "Monthly live sessions"],
    ),
    (
        "A skilled social media team with clear processes",
        "Everyone knows their role; content and service run on agreed workflows.",
        "organisation",
        ["Training plan for the team", "Social media guidelines for all staff"],
    ),
]

# cause index -> effect index (reaching the cause helps to reach the effect)
ACME_LINKS = [(5, 3), (5, 4), (4, 2), (3, 1), (2, 0), (1, 0)]

BAKERY_MISSION = (
    "Social media brings our neighbourhood to the bakery: we show what is fresh today and make "
    "ordering for pickup easy."
)
BAKERY_OBJECTIVES = [
    ("More pickup orders", "", "financial", ["Daily post with today's bread", "Order link in every bio"]),
    (
        "Neighbours know what is fresh",
        "",
        "customer",
        ["Stories from the oven every morning", "Photos by customers reshared"],
    ),
    ("Time for social media every day", "", "organisation", ["Fifteen minutes planned after the morning bake"]),
]
BAKERY_LINKS = [(2, 1), (1, 0)]


def _seed_map(
    team: Team,
    *,
    title: str,
    mission: str,
    period: tuple[datetime.date, datetime.date],
    objectives: list[tuple[str, str, str, list[str]]],
    links: list[tuple[int, int]],
) -> StrategyMap:
    strategy_map, _ = StrategyMap.objects.update_or_create(
        team=team,
        title=title,
        defaults={
            "mission": mission,
            "period_start": period[0],
            "period_end": period[1],
            "status": StrategyMap.Status.ACTIVE,
        },
    )
    saved: list[Objective] = []
    for order, (objective_title, description, perspective, factors) in enumerate(objectives):
        objective, _ = Objective.objects.update_or_create(
            strategy_map=strategy_map,
            title=objective_title,
            defaults={"description": description, "order": order, "perspective": perspective},
        )
        saved.append(objective)
        for factor_order, factor_title in enumerate(factors):
            SuccessFactor.objects.update_or_create(
                objective=objective, title=factor_title, defaults={"order": factor_order}
            )
    for cause, effect in links:
        ObjectiveLink.objects.get_or_create(cause=saved[cause], effect=saved[effect])
    return strategy_map


def seed(context: DemoContext) -> None:
    _seed_map(
        context.teams["acme-social"],
        title="Social media strategy 2026-2027",
        mission=ACME_MISSION,
        period=(datetime.date(2026, 1, 1), datetime.date(2027, 12, 31)),
        objectives=ACME_OBJECTIVES,
        links=ACME_LINKS,
    )
    _seed_map(
        context.teams["bakery"],
        title="Bakery on social media 2026",
        mission=BAKERY_MISSION,
        period=(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
        objectives=BAKERY_OBJECTIVES,
        links=BAKERY_LINKS,
    )
