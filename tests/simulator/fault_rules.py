# -*- coding: utf-8 -*-
# Copyright: docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fault language of the simulators: rules that replace, delay or drop answers (see docbits_simulator)."""

import json

from sim_answers import Response, phrase  # pylint: disable=import-error

FAULT_KEYS = frozenset(("path", "method", "times", "status", "headers", "body", "content_type", "delay", "drop", "after_apply"))


def normalise_fault(rule):
    """Check one fault rule and fill in its defaults; raises ValueError naming the problem."""
    if not isinstance(rule, dict):
        raise ValueError("a fault rule must be an object")
    unknown = sorted(set(rule) - FAULT_KEYS)
    if unknown:
        raise ValueError("unknown fault rule keys: %s" % ", ".join(unknown))
    path = rule.get("path", "*")
    method = rule.get("method", "*")
    if not isinstance(path, str) or not path:
        raise ValueError("fault 'path' must be a non-empty string")
    if not isinstance(method, str) or not method:
        raise ValueError("fault 'method' must be a non-empty string")
    times = rule.get("times", 1)
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
        raise ValueError("fault 'times' must be a positive integer or null (unlimited)")
    status = rule.get("status")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599):
        raise ValueError("fault 'status' must be an HTTP status code")
    headers = rule.get("headers")
    headers = {} if headers is None else headers
    if not isinstance(headers, dict) or not all(isinstance(k, str) and isinstance(v, (str, int, float)) for k, v in headers.items()):
        raise ValueError("fault 'headers' must map names to strings")
    body = rule.get("body")
    if body is not None and not isinstance(body, (str, bytes, dict, list)):
        raise ValueError("fault 'body' must be a string, an object or a list")
    content_type = rule.get("content_type")
    if content_type is not None and not isinstance(content_type, str):
        raise ValueError("fault 'content_type' must be a string")
    delay = rule.get("delay", 0) or 0
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or delay < 0:
        raise ValueError("fault 'delay' must be a non-negative number of seconds")
    drop = rule.get("drop", False)
    if drop not in (True, False, "reset"):
        raise ValueError("fault 'drop' must be true, false or \"reset\"")
    after_apply = rule.get("after_apply", False)
    if not isinstance(after_apply, bool):
        raise ValueError("fault 'after_apply' must be a boolean")
    return {
        "path": path,
        "method": method.upper(),
        "times": times,
        "status": status,
        "headers": {k: str(v) for k, v in headers.items()},
        "body": body,
        "content_type": content_type,
        "delay": float(delay),
        "drop": drop,
        "after_apply": after_apply,
    }


def fault_matches(rule, method, path):
    if rule["method"] not in ("*", method):
        return False
    pattern = rule["path"]
    if pattern in ("*", path):
        return True
    # "/configurations/*" or "/configurations/" is a prefix; anything else must match exactly.
    if pattern.endswith("*"):
        return path.startswith(pattern[:-1])
    return pattern.endswith("/") and path.startswith(pattern)


def fault_answers(rule):
    """Whether the rule replaces the answer (otherwise it only delays or follows a real write)."""
    return bool(rule["drop"]) or rule["status"] is not None or rule["body"] is not None or rule["content_type"] is not None or bool(rule["headers"])


def fault_response(rule):
    status = rule["status"] if rule["status"] is not None else 503
    body = rule["body"]
    if body is None:
        data, ctype = json.dumps({"detail": phrase(status)}).encode("utf-8"), "application/json"
    elif isinstance(body, (dict, list)):
        data, ctype = json.dumps(body).encode("utf-8"), "application/json"
    elif isinstance(body, bytes):
        data, ctype = body, "application/octet-stream"
    else:
        data = body.encode("utf-8")
        ctype = "application/json" if body.lstrip()[:1] in ("{", "[") else "text/plain; charset=utf-8"
    return Response(status, data, rule["content_type"] or ctype, dict(rule["headers"]))
