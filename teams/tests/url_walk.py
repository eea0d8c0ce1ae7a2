"""The application's own pages that take no URL arguments (profile, team list, portfolio...), found from the URL
resolver; the walks add them to the team pages of test_tenant_isolation.TEAM_PATTERNS."""

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

APPS = ("teams", "strategy", "metrics", "scorecard")


def app_pages_without_arguments() -> list[tuple[str, tuple[str, ...]]]:
    """(URL name, no arguments) of every named pattern of the application's apps without arguments."""

    def walk(patterns: list, namespace: str | None) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.converters:
                yield from [f"{namespace}:{pattern.name}"] if namespace in APPS else []

    return [(name, ()) for name in sorted(set(walk(get_resolver().url_patterns, None)))]
