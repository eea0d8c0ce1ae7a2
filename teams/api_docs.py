"""The documented error shapes of the API, added to every operation of the OpenAPI schema.

`add_error_responses` (a drf-spectacular postprocessing hook, see SPECTACULAR_SETTINGS) gives every operation
its 401, 403, 404 and 429 answers and every write its 400, unless the view documented its own. A view with
an error shape of its own declares it, e.g. `@extend_schema(responses={201: Out, 400: MyErrors})`.
"""

from typing import Any

WRITE_METHODS = {"post", "put", "patch"}

ERROR_SCHEMA = {
    "type": "object",
    "description": "A refusal with one message.",
    "properties": {"detail": {"type": "string", "description": "What went wrong, in the language of the request."}},
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "Bad input: each key is a field of the request (or `detail` / `non_field_errors` for the request as a "
        "whole), each value the list of messages for it; nested fields nest the same way. Nothing was written."
    ),
    "additionalProperties": {},
    "example": {"period_end": ["The period must end on or after its start."]},
}
SESSION_AUTH_DESCRIPTION = (
    "The session cookie of a signed-in user (the web app's login). Writes with a session also need the "
    "`X-CSRFToken` header carrying the `csrftoken` cookie."
)

DESCRIPTIONS = {
    400: "Bad input; nothing was written.",
    401: "Not signed in, or the API key is missing, invalid, revoked or expired.",
    403: "Your role on the team, or the API key's scopes, do not allow this.",
    404: "No such team or object, or it belongs to a team you are not a member of.",
    429: "Too many requests: wait the number of seconds in the Retry-After header.",
}
COMPONENTS = {"Error": ERROR_SCHEMA, "ValidationError": VALIDATION_ERROR_SCHEMA}
COMPONENT_FOR_STATUS = {400: "ValidationError", 401: "Error", 403: "Error", 404: "Error", 429: "Error"}


def _response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": DESCRIPTIONS[status],
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{COMPONENT_FOR_STATUS[status]}"}}},
    }
    if status == 429:
        response["headers"] = {
            "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."}
        }
    return response


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Postprocessing hook: document the common errors of every operation and describe the session scheme."""
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name, schema in COMPONENTS.items():
        schemas.setdefault(name, schema)
    cookie_auth = components.get("securitySchemes", {}).get("cookieAuth")
    if cookie_auth is not None:
        cookie_auth.setdefault("description", SESSION_AUTH_DESCRIPTION)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            statuses = [401, 403, 429]
            if "{" in path:
                statuses.append(404)
            if method in WRITE_METHODS:
                statuses.append(400)
            responses = operation["responses"]
            for status in sorted(statuses):
                responses.setdefault(str(status), _response(status))
    return result
