# -*- coding: utf-8 -*-
# Copyright: docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DocBits simulator asking Infor's token endpoint, as DocBits' connection test does."""

import base64
import json
import ssl
import urllib.error
import urllib.parse
import urllib.request


def infor_token_refusal(credentials, ca_path, timeout=10):
    """None when the stored file gets a token, else why not: the password grant to pu + ot, form-encoded,
    the client in the body, then in HTTP Basic when the body way is refused as invalid_client."""
    try:
        url = credentials["pu"] + credentials["ot"]
        grant = {"grant_type": "password", "username": credentials["saak"], "password": credentials["sask"]}
        client = (credentials["ci"], credentials["cs"])
    except (KeyError, TypeError):
        return "the ION API file lacks pu, ot, ci, cs, saak or sask"
    context = ssl.create_default_context(cafile=ca_path)
    refusal = None
    for basic in (False, True):
        form = dict(grant) if basic else dict(grant, client_id=client[0], client_secret=client[1])
        request = urllib.request.Request(
            url,
            data=urllib.parse.urlencode(form).encode("ascii"),
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        )
        if basic:
            request.add_header("Authorization", "Basic " + base64.b64encode(("%s:%s" % client).encode("utf-8")).decode("ascii"))
        try:
            with urllib.request.urlopen(request, timeout=timeout, context=context) as answer:
                return None if "access_token" in json.loads(answer.read().decode("utf-8")) else "no access_token in the token answer"
        except urllib.error.HTTPError as exc:
            error = _oauth_error_code(exc)
            refusal = "%s (HTTP %d) from the token endpoint" % (error or "an error", exc.code)
            if error != "invalid_client":
                return refusal
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return "token endpoint unreachable (%s)" % type(exc).__name__
    return refusal


def _oauth_error_code(http_error):
    """The OAuth ``error`` code of a refusal (a fixed vocabulary, never a secret), or None."""
    try:
        body = json.loads(http_error.read().decode("utf-8"))
    except (OSError, ValueError):
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, str) and error.replace("_", "").isalnum() else None
