"""The http toxicity scorer: any server that speaks Perspective's AnalyzeComment format.

Request (POST, JSON):
    {"comment": {"text": TEXT}, "requestedAttributes": {"TOXICITY": {}}, "languages": [LANG]}
Response:
    {"attributeScores": {"TOXICITY": {"summaryScore": {"value": 0.91, ...}}}, ...}

``languages`` holds the language guessed by app.services.languages, or is empty when it is
not known (Perspective then detects it itself). A server that is down, slow past the
timeout, answers non-2xx, or answers without a score in 0..1 gives no score: the caller's
rules then decide without one (nothing is held or nudged for toxicity). Each failure is
logged, without the comment's text.
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)
DEFAULT_TIMEOUT = 2.0


def perspective_request(text: str, language: str | None) -> dict[str, Any]:
    return {
        "comment": {"text": text},
        "requestedAttributes": {"TOXICITY": {}},
        "languages": [language] if language else [],
    }


def perspective_score(answer: Any) -> float | None:
    """The TOXICITY summary score of a Perspective answer, or None if it has none in 0..1."""
    try:
        value = answer["attributeScores"]["TOXICITY"]["summaryScore"]["value"]
    except (KeyError, TypeError):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        return None
    return float(value)


class HttpScorer:
    """POSTs each text to ``url``; answers None on any failure (see the module docstring)."""

    def __init__(self, url: str, timeout: float = DEFAULT_TIMEOUT):
        self.url = url
        self.timeout = timeout
        self.name = f"http:{urlsplit(url).hostname}"

    def score(self, text: str, language: str | None) -> float | None:
        body = json.dumps(perspective_request(text, language)).encode()
        request = urllib.request.Request(  # noqa: S310 - http(s) only: site_settings
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read(64 * 1024))
        except (OSError, http.client.HTTPException, ValueError) as error:  # incl. timeouts
            log.warning("toxicity scorer %s gave no score: %s", self.name, error)
            return None
        value = perspective_score(answer)
        if value is None:
            log.warning("toxicity scorer %s answered without a TOXICITY score", self.name)
        return value
