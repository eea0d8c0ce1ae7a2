"""The Social Media Scorecard's four perspectives with their guiding questions (DESIGN.md section 1).

English source strings, marked for the catalogue but not translated here: the strategy map shows
them as prompts for objectives, and the scorecard app stores them as each new scorecard's
perspectives and translates them when shown.
"""

from django.utils.translation import gettext_noop

# key, name, guiding question
PERSPECTIVES: list[tuple[str, str, str]] = [
    (
        "customer",
        gettext_noop("Customer"),
        gettext_noop("How do we reach customers, and how do we get more satisfied customers?"),
    ),
    (
        "organisation",
        gettext_noop("Organisation"),
        gettext_noop("How do we organise ourselves around social media?"),
    ),
    ("social_media", gettext_noop("Social media"), gettext_noop("How do we use social media effectively?")),
    (
        "financial",
        gettext_noop("Financial"),
        gettext_noop("What does social media contribute to the financial result?"),
    ),
]

# The causal order of the strategy map, top to bottom: the organisation enables the use of social
# media, which reaches customers, which brings the financial result.
MAP_ORDER: list[str] = ["financial", "customer", "social_media", "organisation"]
PERSPECTIVE_KEYS = [key for key, _name, _question in PERSPECTIVES]
