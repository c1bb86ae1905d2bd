"""The layering rules of docs/architecture.md, checked on the source itself.

* No module imports another module's private (underscore) name: what two modules share is a
  public function of the module where it belongs.
* Services never import Flask or the request (they take plain values and raise domain
  errors); werkzeug's password hashing is a library like any other.
* The widget and the dashboard never import the API package; request-side helpers they share
  live in app/web.
* No module in app/ is over 400 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"
LINES_MAX = 400


def modules() -> list[tuple[str, ast.Module, int]]:
    found = []
    for path in sorted(APP.rglob("*.py")):
        name = ".".join(path.relative_to(APP.parent).with_suffix("").parts)
        source = path.read_text(encoding="utf-8")
        found.append((name, ast.parse(source), source.count("\n")))
    return found


def imports(tree: ast.Module) -> list[tuple[str, str | None]]:
    """(module, name) for every ``import module`` (name None) and ``from module import name``."""
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.module, alias.name) for alias in node.names]
    return found


def test_no_module_imports_another_modules_private_name():
    offences = [
        f"{module} imports {name} from {source}"
        for module, tree, _lines in modules()
        for source, name in imports(tree)
        if source.startswith("app") and name and name.startswith("_") and name != "__version__"
    ]
    assert offences == []


def test_services_never_import_flask():
    offences = [
        f"{module} imports {source}"
        for module, tree, _lines in modules()
        if module.startswith("app.services.")
        for source, _name in imports(tree)
        if source.split(".")[0] in ("flask", "flask_login", "flask_wtf")
        or (source.startswith("werkzeug") and source != "werkzeug.security")
    ]
    assert offences == []


def test_the_widget_and_dashboard_do_not_import_the_api():
    offences = [
        f"{module} imports {source}"
        for module, tree, _lines in modules()
        if module.startswith(("app.widget", "app.dashboard", "app.web"))
        for source, _name in imports(tree)
        if source == "app.api" or source.startswith("app.api.")
    ]
    assert offences == []


def test_no_module_in_app_is_over_400_lines():
    long = [f"{module}: {lines}" for module, _tree, lines in modules() if lines > LINES_MAX]
    assert long == []


# Caps that are not limits on what a caller sends: heuristics of the rules, lifetimes, the size of
# what Parley fetches or imports from files, and the frame's own query parameters (app/widget,
# kept by its owners).
NOT_INPUT_LIMITS = {
    "app.services.toxicity": {"OWN_WORDS_MIN"},
    "app.services.languages": {"LATIN_SHARE_MIN"},
    "app.services.jwks": {"MAX_AGE", "MAX_BYTES"},
    "app.portability.remark42": {"LINE_MAX", "HEADER_MAX"},
    "app.widget.frame": {"TEXT_PARAM_MAX", "MAX_INDENT"},
}


def _is_number(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int | float) and not isinstance(node.value, bool)
    if isinstance(node, ast.BinOp):
        return _is_number(node.left) and _is_number(node.right)
    return False


def test_input_limits_are_numbers_only_in_app_limits():
    """A limit (``*_MAX``, ``*_MIN``, ``MAX_*``) is a number in app/limits.py and imported
    everywhere else, so the services, the forms and the OpenAPI document cannot disagree."""
    offences = [
        f"{module}: {target.id}"
        for module, tree, _lines in modules()
        if module != "app.limits"
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value and _is_number(node.value)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
        and (target.id.endswith(("_MAX", "_MIN")) or target.id.startswith("MAX_"))
        and target.id not in NOT_INPUT_LIMITS.get(module, set())
    ]
    assert offences == []
