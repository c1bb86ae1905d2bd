"""How request input is read, for every route: strict JSON, named form fields, no NUL characters.

Whatever a client sends, reading it either gives plain Python values that the database and the
services can take, or a 400 that says what to fix. The input that would otherwise end in a 500:

* JSON nested deeper than the parser's recursion limit (``RecursionError``) and JSON strings
  holding a lone surrogate such as ``"\\ud800"`` (valid JSON, but not encodable as UTF-8, so every
  later ``encode()`` failed). ``StrictJSONProvider`` refuses both, and JSON deeper than
  ``JSON_DEPTH_MAX``, with ``invalid_json``.
* A NUL character (U+0000), which PostgreSQL refuses in text: in a JSON string it is
  ``invalid_json``, in a query parameter or a form field ``invalid_character``, on every backend
  alike. (Path segments are names: a site slug with a NUL names no site, see ``get_site``.)
* A URL over ``URL_MAX`` characters: 414 ``uri_too_long``, in the error shape.
* A multipart part without a ``name``: parsed as a field whose key is ``None``, it would break
  every lookup that iterates the form (the CSRF check among them). Such parts name no field:
  dropped.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask.wrappers import Request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestURITooLarge
from werkzeug.formparser import FormDataParser

from app.json_values import NUL, InvalidJSON, check_json_value
from app.limits import URL_MAX
from app.services.errors import ValidationError


# Parley's own payloads nest three levels at most; anything deeper is not a Parley request.
class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, with ``loads`` refusing what ``check_json_value`` refuses."""

    sort_keys = False

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            raise InvalidJSON("the JSON is nested too deeply") from None
        check_json_value(value)
        return value


class NamedFieldsFormParser(FormDataParser):
    """Werkzeug's form parser, without nameless multipart parts, refusing NUL in form fields.

    The form is parsed when something first reads it (after a view has set its own body limit,
    as the avatar upload does), so the NUL check lives here rather than in a before_request.
    """

    def parse(self, *args: Any, **kwargs: Any) -> tuple[Any, MultiDict, MultiDict]:
        stream, form, files = super().parse(*args, **kwargs)
        form, files = self.named(form), self.named(files)
        try:
            refuse_nul_in(form)
        except ValidationError:
            for upload in files.values():  # the request never holds them: close them here
                upload.close()
            raise
        return stream, form, files

    def named(self, fields: MultiDict) -> MultiDict:
        if None not in fields:
            return fields
        return self.cls([(k, v) for k, v in fields.items(multi=True) if k is not None])


class ParleyRequest(Request):
    form_data_parser_class = NamedFieldsFormParser

    def on_json_loading_failed(self, e: ValueError | None) -> NoReturn:
        if e is None:  # not a JSON content type: Flask's 415
            super().on_json_loading_failed(e)
        raise ValidationError(f"the body is not valid JSON: {e}", "invalid_json")


def refuse_nul_in(fields: MultiDict) -> None:
    for name, value in fields.items(multi=True):
        if NUL in name or NUL in value:
            raise ValidationError(
                f"{name.replace(NUL, '')[:40]} must not contain control characters:"
                " a NUL (U+0000) is never valid",
                "invalid_character",
            )


def check_url() -> None:
    """Before every request: 414 for a URL over URL_MAX, 400 for a NUL in a query parameter."""
    environ = request.environ
    if len(environ.get("PATH_INFO", "")) + len(environ.get("QUERY_STRING", "")) > URL_MAX:
        raise RequestURITooLarge()
    refuse_nul_in(request.args)


def init_request_input(app: Flask) -> None:
    app.request_class = ParleyRequest
    app.json = StrictJSONProvider(app)
    app.before_request(check_url)
