"""``GET /api/v1/openapi.json``: the OpenAPI document, assembled by ``app.api.spec``."""

from app.api import bp
from app.api.spec import spec_document


@bp.get("/openapi.json")
def get_openapi_spec():
    """The OpenAPI 3.1 description of this API (docs/api.md is its prose twin)."""
    return spec_document(), 200, {"Access-Control-Allow-Origin": "*"}
