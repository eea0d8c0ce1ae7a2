"""The JSON parser of every API endpoint: a body it cannot read is a 400 with the reason, never a 500."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; it already answers bad syntax and undecodable bytes (UnicodeDecodeError is a
    ValueError) with 400, and this adds bodies nested deeper than the decoder can follow (RecursionError)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the body is nested too deeply.")) from None
