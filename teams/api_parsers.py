"""The JSON parser of every API endpoint: a body it cannot read is a 400 with the reason, never a 500."""

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# JSON may spell both with \u escapes, but no text column takes them: PostgreSQL refuses NUL in text, and a
# lone surrogate cannot be encoded as UTF-8 (neither for the database nor for the error answer that echoes it).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_text_message() -> str:
    return _("JSON parse error - a string contains a NUL character or a lone surrogate (\\u0000, \\ud800-\\udfff).")


def has_unstorable_text(data: Any) -> bool:
    if isinstance(data, str):
        return UNSTORABLE.search(data) is not None
    if isinstance(data, list):
        return any(has_unstorable_text(item) for item in data)
    if isinstance(data, dict):
        return any(has_unstorable_text(key) or has_unstorable_text(value) for key, value in data.items())
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; it already answers bad syntax and undecodable bytes (UnicodeDecodeError is a
    ValueError) with 400, and this adds bodies nested deeper than the decoder can follow (RecursionError) and
    strings that no field could store (NUL characters, lone surrogates), checked here once for every endpoint."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the body is nested too deeply.")) from None
        if has_unstorable_text(data):
            raise ParseError(unstorable_text_message())
        return data
