"""The moderation API, ``/api/v1/moderation/...`` (app/api/moderation.py), declared in three parts.

The wording follows the "Moderation endpoints" section of ``docs/api.md``; the error lists
follow the view module and app.services.{moderation,authors,articles,site_settings}
(tests/test_api_moderation.py checks answers against this document).

``answers`` declares the payloads; ``shared`` holds the named schemas, parameters and errors
the parts share; ``comments`` the queues, search and actions on comments; ``people`` actions on
authors and the audit log; ``sites`` a site's articles and settings.
"""

from __future__ import annotations

from app.api.payloads.moderation import comments, people, sites
from app.api.payloads.moderation.shared import SCHEMAS, TAGS

PATHS: dict[str, dict[str, object]] = {}
for _part in (comments, people, sites):
    for _path, _item in _part.PATHS.items():
        PATHS.setdefault(_path, {}).update(_item)

__all__ = ["PATHS", "SCHEMAS", "TAGS"]
