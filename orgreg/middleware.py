"""The request id: taken from the reverse proxy's X-Request-ID when it sends a sane one, made
otherwise; every log line of the request carries it (orgreg.logging) and the response returns
it, so an operator can follow one request from the proxy's log to the app's."""

from __future__ import annotations

import re
import uuid

from orgreg.logging import current_request, current_request_id

HEADER = "HTTP_X_REQUEST_ID"
# A proxy's id, not whatever a client sends: short, and nothing a log line could be split on.
SANE = re.compile(r"[A-Za-z0-9._:-]{8,128}")


class RequestId:
    """Sets request.id and the logging context for the request, and X-Request-ID on the
    response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get(HEADER, "")
        request.id = given if SANE.fullmatch(given) else uuid.uuid4().hex
        id_token = current_request_id.set(request.id)
        request_token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(id_token)
            current_request.reset(request_token)
        response["X-Request-ID"] = request.id
        return response
