"""axe-core, the accessibility checker, run in pages and frames by the browser tests.

axe-core comes from the npm registry, pinned by ``tests/browser/package-lock.json``; ``make
test`` installs it with ``npm ci`` when npm is there. It is evaluated in the page through the
browser's DevTools protocol, so a page's strict Content-Security-Policy does not stop it.

Use ``assert_no_serious_axe_violations(page_or_frame, exclude_rules={"rule-id": "why"})``:
serious and critical violations fail; each excluded rule must say why it does not apply.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = frozenset({"serious", "critical"})

RUN = """async (disabled) => {
  const rules = Object.fromEntries(disabled.map((id) => [id, { enabled: false }]));
  const result = await axe.run(document, { rules, resultTypes: ["violations"] });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ") + ": " + (n.failureSummary || "").split("\\n")[1]),
  }));
}"""


@cache
def axe_source() -> str:
    """axe.min.js; skips the test (fails under CI=true) when it is not installed."""
    if not AXE_JS.exists():
        reason = "axe-core is not installed: cd tests/browser && npm ci (make test does it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (required under CI=true)")
        pytest.skip(reason)
    return AXE_JS.read_text(encoding="utf-8")


def serious_axe_violations(target, exclude_rules: dict[str, str] | None = None) -> list[dict]:
    """The serious and critical axe-core violations in a Playwright Page or Frame."""
    if not target.evaluate("typeof window.axe !== 'undefined'"):
        target.evaluate(axe_source())
    found = target.evaluate(RUN, sorted(exclude_rules or {}))
    return [v for v in found if v["impact"] in FAILING_IMPACTS]


def assert_no_serious_axe_violations(target, exclude_rules: dict[str, str] | None = None) -> None:
    """Fail with a readable list when axe-core finds a serious or critical violation.

    ``exclude_rules`` maps rule ids to the reason each does not apply here.
    """
    for rule, why in (exclude_rules or {}).items():
        assert why.strip(), f"say why the axe rule {rule} does not apply"
    violations = serious_axe_violations(target, exclude_rules)
    report = "\n".join(
        f"{v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"][:5])
        for v in violations
    )
    assert not violations, f"axe-core on {target.url}:\n{report}"
