# -*- coding: utf-8 -*-
# Copyright: docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a simulated server answers: a response, the errors FastAPI and DocBits raise, status phrases."""

import http
import json


class ApiError(Exception):
    """An answer other than success, raised anywhere below a request and sent as is."""

    def __init__(self, status, body, headers=None):
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


class Response:
    """What the handler sends: status, body bytes, content type and extra headers."""

    def __init__(self, status, body=b"", content_type="application/json", headers=None):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers or {}


def json_response(status, obj, headers=None):
    return Response(status, json.dumps(obj).encode("utf-8"), "application/json", headers)


def validation_error(errors):
    """FastAPI's 422 body; ``errors`` is a list of (loc, msg, type). Input values are never echoed."""
    return ApiError(422, {"detail": [{"loc": list(loc), "msg": msg, "type": typ} for loc, msg, typ in errors]})


def app_failure(detail):
    """The application refusing a request: 200 with success false."""
    return json_response(200, {"success": False, "exception": {"detail": detail}})


def phrase(status):
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"
