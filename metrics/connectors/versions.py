"""Known sunset dates of the API versions the connectors send, from the platforms' own tables (late 2026):

* Graph API: developers.facebook.com/docs/graph-api/changelog/versions ("Available until"). v26.0 (released
  2026-07-29) is the latest; its date is still "TBD" there, so it has none here.
* LinkedIn Marketing API: learn.microsoft.com/linkedin/marketing/integrations/migrations (each monthly version is
  supported for at least a year).

A test fails when a default version is within 30 days of its sunset, or unknown here: update the default in
settings (GRAPH_API_VERSION, LINKEDIN_API_VERSION) and this table together.
"""

from __future__ import annotations

from datetime import date

SUNSETS: dict[str, dict[str, date | None]] = {
    "graph": {
        "v21.0": date(2027, 1, 21),
        "v22.0": date(2027, 5, 20),
        "v23.0": date(2027, 10, 8),
        "v24.0": date(2028, 2, 18),
        "v25.0": date(2028, 7, 29),
        "v26.0": None,  # "TBD" in the changelog
    },
    "linkedin": {
        "202510": date(2026, 10, 15),
        "202511": date(2026, 11, 16),
        "202601": date(2027, 1, 15),
        "202602": date(2027, 2, 15),
        "202603": date(2027, 3, 16),
    },
}
