# -*- coding: utf-8 -*-
# Copyright: docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Request bodies as FastAPI reads them: multipart forms (with file parts) and URL-encoded forms."""

import email.utils
import urllib.parse
from email.message import Message


class BodyError(Exception):
    """The request body cannot be read or parsed (-> 400 or 413)."""

    def __init__(self, status, detail):
        super().__init__(detail)
        self.status = status
        self.detail = detail


class FilePart:
    """One uploaded file of a multipart body."""

    def __init__(self, filename, content, content_type):
        self.filename = filename
        self.content = content
        self.content_type = content_type


def _content_type(value):
    """(media type in lower case, Message holding the header for its parameters)."""
    msg = Message()
    msg["content-type"] = value or ""
    params = msg.get_params() or []
    return (params[0][0].lower() if params else ""), msg


def parse_multipart(body, content_type):
    """Parse a multipart/form-data body into ({field: str}, {field: FilePart}).

    A part with a filename is a file, any other part a text field; a later part of the same
    name replaces an earlier one, as Starlette does. Raises ``BodyError`` on malformed input.
    """
    _main, msg = _content_type(content_type)
    boundary = msg.get_param("boundary")
    if not boundary or not isinstance(boundary, str):
        raise BodyError(400, "There was an error parsing the body")
    delimiter = b"\r\n--" + boundary.encode("latin-1")
    # A leading CRLF lets the first delimiter match like every other one.
    chunks = (b"\r\n" + body).split(delimiter)
    if len(chunks) < 2 or not chunks[-1].startswith(b"--"):
        raise BodyError(400, "There was an error parsing the body")
    fields, files = {}, {}
    for chunk in chunks[1:-1]:
        # Each part starts right after the delimiter line (optional transport padding, CRLF).
        line_end = chunk.find(b"\r\n")
        if line_end < 0 or chunk[:line_end].strip(b" \t"):
            raise BodyError(400, "There was an error parsing the body")
        part = chunk[line_end + 2 :]
        head, sep, content = part.partition(b"\r\n\r\n")
        if not sep:
            if part.startswith(b"\r\n"):
                head, content = b"", part[2:]
            else:
                raise BodyError(400, "There was an error parsing the body")
        name, filename, part_type = _part_headers(head)
        if name is None:
            raise BodyError(400, "There was an error parsing the body")
        if filename is not None:
            # Browsers send an empty, nameless file part for an unused file input.
            if filename == "" and not content:
                continue
            files[name] = FilePart(filename, content, part_type)
            fields.pop(name, None)
        else:
            fields[name] = content.decode("utf-8", errors="replace")
            files.pop(name, None)
    return fields, files


def _part_headers(head):
    """(name, filename or None, content type) from the header block of one multipart part."""
    disposition, part_type = "", "text/plain"
    for raw in head.split(b"\r\n"):
        if not raw.strip():
            continue
        key, sep, value = raw.decode("utf-8", errors="replace").partition(":")
        if not sep:
            raise BodyError(400, "There was an error parsing the body")
        key = key.strip().lower()
        if key == "content-disposition":
            disposition = value.strip()
        elif key == "content-type":
            part_type = value.strip()
    if not disposition:
        return None, None, part_type
    msg = Message()
    msg["content-disposition"] = disposition
    name = msg.get_param("name", header="content-disposition")
    if isinstance(name, tuple):
        # RFC 2231 form (name*=utf-8''...): decode it.
        name = email.utils.collapse_rfc2231_value(name)
    filename = msg.get_filename()
    if filename is None and msg.get_param("filename", header="content-disposition") is not None:
        filename = ""
    return name, filename, part_type


def parse_form(body, content_type):
    """({field: str}, {field: FilePart}) of a multipart or urlencoded body; other types carry no form."""
    media_type, _msg = _content_type(content_type)
    if media_type == "multipart/form-data":
        return parse_multipart(body, content_type)
    if media_type == "application/x-www-form-urlencoded":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BodyError(400, "There was an error parsing the body") from exc
        return dict(urllib.parse.parse_qsl(text, keep_blank_values=True)), {}
    return {}, {}
