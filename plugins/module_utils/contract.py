# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""Check requests against an OpenAPI document: pure, no I/O.

Used by the conformance test (requests captured as sent, against the public document kept in
tests/contract/) and by the preflight (the operations a run will use, against the live
/openapi.json). A request is described by an `Operation` (what is sent); the document says what the
API declares. Each difference is a `Finding`:

* blocking: the job cannot work (the operation, its content type, a field it cannot do without
  such as the `ion_api` file part or `config_id`, a field the API requires, a value of the wrong
  type): nothing may be written;
* ignored: an attribute the API does not declare; FastAPI drops undeclared form fields silently,
  so DocBits will ignore it;
* web-app-only: an operation the document lacks that is known from the web app only.

`known` on a finding says it is listed as known from the web app (the caller's list), which the
conformance test accepts.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.docbits.infor.plugins.module_utils.errors import printable

BLOCKING = "blocking"
IGNORED = "ignored"
KNOWN_FROM_WEB_APP = "web-app-only"

FILE = "file"
# What pydantic accepts for a boolean form field.
BOOLEAN_WORDS = frozenset(("0", "1", "false", "true", "f", "t", "no", "yes", "n", "y", "off", "on"))
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


class Part:
    """One thing a request sends: a form field, a file part, a query parameter or a header.

    `kind` is the declared kind of the collection ("string", "integer", "boolean", or FILE);
    `values` the values sent (a captured request) or that may be sent (a descriptor), when known. `essential`: the job cannot
    do without it. `always`: sent on every request of the operation (else only in some cases).
    """

    def __init__(self, kind="string", values=None, essential=False, always=True):
        self.kind = kind
        self.values = tuple(values) if values is not None else None
        self.essential = essential
        self.always = always


class Operation:
    """What the collection sends for one operation."""

    def __init__(self, name, method, path, content_type=None, fields=None, query=None, headers=None, constant=None, path_constant=None):
        self.name = name
        self.method = method.upper()
        self.path = path
        self.content_type = content_type
        self.fields = dict(fields or {})
        self.query = dict(query or {})
        self.headers = dict(headers or {})
        self.constant = constant or name
        self.path_constant = path_constant or self.constant

    @property
    def endpoint(self):
        return "%s %s" % (self.method, self.path)

    def _copy(self, fields=None, query=None, headers=None):
        return Operation(
            self.name,
            self.method,
            self.path,
            self.content_type,
            self.fields if fields is None else fields,
            self.query if query is None else query,
            self.headers if headers is None else headers,
            self.constant,
            self.path_constant,
        )

    def with_values(self, name, values):
        """A copy that sends only these values in field `name`."""
        part = self.fields[name]
        return self._copy(fields=dict(self.fields, **{name: Part(part.kind, values, part.essential, part.always)}))

    def with_fields(self, kinds):
        """A copy that may also send the fields named ({name: kind}), each only when set."""
        fields = dict(self.fields)
        fields.update((name, Part(kind, always=False)) for name, kind in kinds.items() if name not in fields)
        return self._copy(fields=fields)

    def without(self, names):
        """A copy that does not send the fields, query parameters or headers named."""

        def keep(parts):
            return dict((name, part) for name, part in parts.items() if name not in names)

        return self._copy(keep(self.fields), keep(self.query), keep(self.headers))


class Finding:

    def __init__(self, severity, request, item, sends, declares, constant, known=False):
        self.severity = severity
        self.operation = request.endpoint
        self.operation_name = request.name
        self.item = item
        self.sends = sends
        self.declares = declares
        self.constant = constant
        self.known = known

    def as_dict(self):
        return dict((name, getattr(self, name)) for name in ("severity", "operation", "operation_name", "item", "sends", "declares", "constant", "known"))

    def __repr__(self):
        return "Finding(%s, %s, %s: %s / %s)" % (self.severity, self.operation, self.item, self.sends, self.declares)


class _Document:
    """Lookups in an OpenAPI document (3.0 or 3.1, as FastAPI writes them)."""

    def __init__(self, document):
        self.document = document if isinstance(document, dict) else {}
        paths = self.document.get("paths")
        self.paths = paths if isinstance(paths, dict) else {}
        self._patterns = [(re.compile("^%s$" % re.sub(r"\\\{[^/]*?\\\}", "[^/]+", re.escape(path))), path) for path in self.paths]

    def resolve(self, node, depth=0):
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 20:
            node = self._pointer(node["$ref"])
            depth += 1
        return node if isinstance(node, dict) else {}

    def _pointer(self, ref):
        if not ref.startswith("#/"):
            return {}
        node = self.document
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            node = node.get(part) if isinstance(node, dict) else None
        return node

    def path_item(self, path):
        """The document's path item for a path sent (template or concrete), and its template."""
        if path in self.paths:
            return self.resolve(self.paths[path]), path
        for pattern, template in self._patterns:
            if pattern.match(path):
                return self.resolve(self.paths[template]), template
        return None, None

    def parameters(self, path_item, operation, location):
        found = {}
        for node in list(path_item.get("parameters") or []) + list(operation.get("parameters") or []):
            parameter = self.resolve(node)
            if parameter.get("in") == location and isinstance(parameter.get("name"), str):
                found[parameter["name"].lower() if location == "header" else parameter["name"]] = parameter
        return found

    def header_schemes(self):
        schemes = (self.document.get("components") or {}).get("securitySchemes") or {}
        names = set()
        for scheme in schemes.values():
            scheme = self.resolve(scheme)
            if scheme.get("type") == "apiKey" and scheme.get("in") == "header" and isinstance(scheme.get("name"), str):
                names.add(scheme["name"].lower())
        return names


def _alternatives(document, schema):
    schema = document.resolve(schema)
    options = schema.get("anyOf") or schema.get("oneOf")
    if isinstance(options, list):
        found = []
        for option in options:
            found.extend(_alternatives(document, option))
        return found
    if isinstance(schema.get("allOf"), list) and len(schema["allOf"]) == 1:
        return _alternatives(document, schema["allOf"][0])
    return [schema]


def _is_file(schema):
    return schema.get("format") == "binary" or "contentMediaType" in schema


def describe_schema(document, schema):
    """A short text of what a schema declares, e.g. 'integer', 'file', 'one of ION_API, ...'."""
    texts = []
    for option in _alternatives(document, schema):
        if _is_file(option):
            texts.append("file")
        elif isinstance(option.get("enum"), list):
            texts.append("one of %s" % ", ".join(str(value) for value in option["enum"]))
        elif option.get("type") == "array":
            texts.append("list of %s" % describe_schema(document, option.get("items") or {}))
        elif option.get("type") != "null":
            texts.append(str(option.get("type") or "any value"))
    return " or ".join(texts) or "any value"


def _accepts(document, schema, part):
    """Whether a declared schema accepts what the part sends (its values when known, else its kind)."""
    for option in _alternatives(document, schema):
        if option.get("type") == "array" and isinstance(option.get("items"), dict):
            option = document.resolve(option["items"])
        if _is_file(option) != (part.kind == FILE):
            continue
        if part.kind == FILE:
            return True
        if part.values is not None and all(_value_fits(option, value) for value in part.values):
            return True
        if part.values is None and _kind_fits(option, part.kind):
            return True
    return False


def _value_fits(schema, value):
    text = str(value)
    if isinstance(schema.get("enum"), list):
        return text in [str(item) for item in schema["enum"]]
    kind = schema.get("type")
    if kind == "integer":
        return re.match(r"^[+-]?\d+$", text.strip()) is not None
    if kind == "number":
        return re.match(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$", text.strip()) is not None
    if kind == "boolean":
        return text.strip().lower() in BOOLEAN_WORDS
    return kind in (None, "string")


def _kind_fits(schema, kind):
    if isinstance(schema.get("enum"), list):
        # Values not known here (see Part.values): only what is sent can be judged.
        return kind == "string"
    declared = schema.get("type")
    if declared in (None, "string"):
        return True
    return declared == kind or (declared == "number" and kind == "integer")


def _sends(part, label):
    if part.kind == FILE:
        return "file part %s" % label
    shown = "%s %s" % (part.kind, label)
    if part.values is not None:
        shown += " = %s" % ", ".join(str(value) for value in part.values)
    return shown + ("" if part.always else " (when set)")


def _undeclared(findings, request, item, part, declares, constant, known):
    severity = BLOCKING if part.essential else IGNORED
    findings.append(Finding(severity, request, item, _sends(part, item), declares, constant, known=known and not part.essential))


def check_request(document, request, known=()):
    """Findings for one request; `known` holds (operation name, item) pairs known from the web app
    ((name, None): the whole operation)."""
    if not isinstance(document, _Document):
        document = _Document(document)
    known = set(known)
    findings = []
    path_item, _template = document.path_item(request.path)
    operation = document.resolve(path_item.get(request.method.lower())) if path_item else {}
    if not operation:
        if path_item:
            declared = ", ".join(method.upper() for method in HTTP_METHODS if method in path_item)
            declares = "%s only" % declared
        else:
            declares = "no such path"
        severity = KNOWN_FROM_WEB_APP if (request.name, None) in known and not path_item else BLOCKING
        findings.append(Finding(severity, request, "operation", request.endpoint, declares, request.path_constant, known=severity == KNOWN_FROM_WEB_APP))
        return findings

    def is_known(item):
        return (request.name, item) in known

    _check_body(document, request, operation, findings, is_known)
    _check_parameters(document, request, path_item, operation, findings, is_known)
    return findings


def _body_media(document, operation):
    """(request body, {media type: content}) an operation declares."""
    body = document.resolve(operation.get("requestBody"))
    content = body.get("content") if isinstance(body.get("content"), dict) else {}
    return body, dict((name.split(";")[0].strip().lower(), value) for name, value in content.items())


def _properties(document, media, content_type):
    """(schema, its properties) of the body of one media type."""
    schema = document.resolve((media.get(content_type) or {}).get("schema"))
    return schema, schema.get("properties") if isinstance(schema.get("properties"), dict) else {}


def _check_body(document, request, operation, findings, is_known):
    body, media = _body_media(document, operation)
    if not request.fields:
        if body.get("required"):
            findings.append(Finding(BLOCKING, request, "request body", "no body", "a required %s body" % " or ".join(sorted(media)), request.constant))
        return
    if not media:
        # No body declared: the server reads none of the fields.
        for name, part in sorted(request.fields.items()):
            _undeclared(findings, request, name, part, "no request body", request.constant, is_known(name))
        return
    if request.content_type not in media:
        findings.append(Finding(BLOCKING, request, "content type", request.content_type or "no content type", " or ".join(sorted(media)), request.constant))
        return
    _check_fields(document, request, _properties(document, media, request.content_type), findings, is_known)


def _check_fields(document, request, schema_and_properties, findings, is_known):
    schema, properties = schema_and_properties
    for name, part in sorted(request.fields.items()):
        if name not in properties:
            _undeclared(findings, request, name, part, "no such field", request.constant, is_known(name))
        elif not _accepts(document, properties[name], part):
            findings.append(
                Finding(BLOCKING, request, name, _sends(part, name), "%s %s" % (describe_schema(document, properties[name]), name), request.constant)
            )
    for name in schema.get("required") or []:
        part = request.fields.get(name)
        if part is None or not part.always:
            findings.append(Finding(BLOCKING, request, name, "%s only when set" % name if part else "no %s" % name, "%s required" % name, request.constant))


def _check_parameters(document, request, path_item, operation, findings, is_known):
    declared_query = document.parameters(path_item, operation, "query")
    for name, part in sorted(request.query.items()):
        if name not in declared_query:
            _undeclared(findings, request, name, part, "no such query parameter", request.constant, is_known(name))
        elif not _accepts(document, declared_query[name].get("schema") or {}, part):
            findings.append(
                Finding(
                    BLOCKING,
                    request,
                    name,
                    _sends(part, name),
                    "%s %s" % (describe_schema(document, declared_query[name].get("schema") or {}), name),
                    request.constant,
                )
            )
    for name, parameter in sorted(declared_query.items()):
        part = request.query.get(name)
        if parameter.get("required") and (part is None or not part.always):
            findings.append(Finding(BLOCKING, request, name, "no query parameter %s" % name, "query parameter %s required" % name, request.constant))
    declared_headers = set(document.parameters(path_item, operation, "header")) | document.header_schemes()
    for name, part in sorted(request.headers.items()):
        if name.lower() not in declared_headers:
            _undeclared(findings, request, "header %s" % name, part, "no such header or security scheme", request.constant, is_known("header %s" % name))


def declared_fields(document, request):
    """{field: FILE or "value"} the document declares for the request's body, or None when it declares no such operation."""
    document = _Document(document)
    path_item, _template = document.path_item(request.path)
    operation = document.resolve(path_item.get(request.method.lower())) if path_item else {}
    if not operation:
        return None
    _schema, properties = _properties(document, _body_media(document, operation)[1], request.content_type)
    return dict((name, FILE if any(_is_file(option) for option in _alternatives(document, value)) else "value") for name, value in properties.items())


def check(document, requests, known=()):
    """Findings for every request, in order."""
    document = _Document(document)
    findings = []
    for request in requests:
        findings.extend(check_request(document, request, known))
    return findings


def is_readable(document):
    """Whether a parsed answer looks like an OpenAPI document at all."""
    return isinstance(document, dict) and isinstance(document.get("paths"), dict) and bool(document.get("openapi") or document.get("swagger"))


def excerpt(document, paths):
    """The part of a document a check of `paths` needs: those path items, the components they
    reference and the security schemes (small enough to keep per run)."""
    wanted = _Document(document)
    kept_paths = {}
    for path in paths:
        _item, template = wanted.path_item(path)
        if template is not None:
            kept_paths[template] = wanted.paths[template]
    components = {}
    pending = [kept_paths]
    seen = set()
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/") and ref not in seen:
                seen.add(ref)
                parts = ref[2:].split("/")
                target = wanted.resolve({"$ref": ref})
                if len(parts) == 3:
                    components.setdefault(parts[1], {})[parts[2]] = target
                pending.append(target)
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    schemes = (wanted.document.get("components") or {}).get("securitySchemes")
    if isinstance(schemes, dict):
        components["securitySchemes"] = schemes
    return {"openapi": wanted.document.get("openapi") or wanted.document.get("swagger"), "paths": kept_paths, "components": components}


COLUMNS = ("", "operation", "the collection sends", "the live API declares", "constant in docbits_api.py")
MARKS = {BLOCKING: "BLOCKING", IGNORED: "ignored", KNOWN_FROM_WEB_APP: "web app only"}


def table(findings, requests=(), width=60):
    """The findings as text lines: one row per finding, and 'ok' for each request without one."""
    rows = [(MARKS[finding.severity], finding.operation, finding.sends, finding.declares, finding.constant) for finding in findings]
    flagged = set(finding.operation for finding in findings)
    rows.extend(("ok", request.endpoint, "as declared", "as sent", "") for request in requests if request.endpoint not in flagged)
    rows = [tuple(_clip(cell, width) for cell in row) for row in rows]
    widths = [max(len(row[index]) for row in rows + [COLUMNS]) for index in range(len(COLUMNS))]
    lines = [" | ".join(cell.ljust(widths[index]) for index, cell in enumerate(row)).rstrip() for row in [COLUMNS] + rows]
    lines.insert(1, "-+-".join("-" * size for size in widths))
    return lines


def _clip(text, width):
    # Cells quote the live document: untrusted text.
    text = printable(" ".join(str(text).split()))
    return text if len(text) <= width else text[: width - 3] + "..."
