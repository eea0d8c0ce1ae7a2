"""The error shape of every API response."""

from typing import Any

from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ApplicationError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus ApplicationError as a 400 with its message."""
    if isinstance(exc, ApplicationError):
        exc = exceptions.ValidationError({exc.field or "detail": [exc.message]})
    return drf_exception_handler(exc, context)
