"""plotly_text: what users typed is what plotly draws."""

import pytest

from scorecard_site.charts import plotly_text


@pytest.mark.parametrize(
    ("typed", "drawn"),
    [
        ("<b>Reach</b>", "&lt;b&gt;Reach&lt;/b&gt;"),
        ('Say "hi" & it\'s 5%', 'Say "hi" &amp; it\'s 5%'),  # plotly shows &quot; as it is, so quotes stay
        ("%{y} per %{x:.2f}", "&#37;{y} per &#37;{x:.2f}"),
        ("&lt;already escaped&gt;", "&amp;lt;already escaped&amp;gt;"),
    ],
)
def test_plotly_text_makes_plotly_show_exactly_what_was_typed(typed, drawn):
    assert plotly_text(typed) == drawn
