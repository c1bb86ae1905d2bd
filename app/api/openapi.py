import json
from functools import cache
from pathlib import Path

from app.api import bp

SPEC_PATH = Path(__file__).with_name("openapi.json")


@cache
def load_spec() -> dict:
    return json.loads(SPEC_PATH.read_text())


@bp.get("/openapi.json")
def openapi_spec():
    """The OpenAPI 3.1 description of this API (docs/api.md is its prose twin)."""
    return load_spec(), 200, {"Access-Control-Allow-Origin": "*"}
