"""URL converters. ``<id:name>`` is how every route takes a record id.

Werkzeug's ``int`` converter accepts any number of digits, and an id beyond the database's
integer range then failed inside the driver (a 500). ``IdConverter`` matches only ids that can
exist (1 to RECORD_ID_MAX); any other id is a 404 ``not_found``, like an address with nothing
behind it. (It raises NotFound itself: the router's own refusal would report a 405 when another
method is routed at the same path.)
"""

from __future__ import annotations

from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.routing import BaseConverter

from app.models import RECORD_ID_MAX

ID_DIGITS_MAX = len(str(RECORD_ID_MAX))


class IdConverter(BaseConverter):
    regex = r"\d+"
    weight = 50

    def to_python(self, value: str) -> int:
        # The length check first: no int() of a 10,000-digit number.
        if len(value) > ID_DIGITS_MAX or not 1 <= int(value) <= RECORD_ID_MAX:
            raise NotFound()
        return int(value)

    def to_url(self, value: int) -> str:
        return str(int(value))


def register_converters(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
