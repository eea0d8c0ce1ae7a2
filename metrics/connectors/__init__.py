"""One module per platform; `load_all` imports them so each registers itself (see base.py)."""

from importlib import import_module

PLATFORM_MODULES = (
    "demo",
    "mastodon",
    "bluesky",
    "youtube",
    "x",
    "http_json",
    "facebook_page",
    "instagram",
    "linkedin_org",
    "ga4",
    "tiktok",
)

_loaded = False


def load_all() -> None:
    global _loaded
    if _loaded:
        return
    for name in PLATFORM_MODULES:
        import_module(f"{__name__}.{name}")
    _loaded = True
