"""axe-core (npm, installed by dev/install.sh under PM25_VAR/node) run in the browser tests'
Chromium on the page it shows: the serious and critical violations of WCAG 2.1 A/AA rules."""
from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BLOCKING = ("serious", "critical")
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@cache
def axe_source() -> str:
    var = Path(os.environ.get("PM25_VAR") or ROOT / ".stack")
    return (var / "node" / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")


def violations(browser: Any) -> list[dict[str, Any]]:
    """The page's violations of impact serious or critical, each with its rule, help and nodes."""
    browser.execute_script(axe_source())
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        "  .then(r => done(r.violations)).catch(e => done([{id: 'axe-error', impact: 'critical',"
        "   help: String(e), nodes: []}]));", RULES)
    return [v for v in result if v.get("impact") in BLOCKING]


def describe(found: list[dict[str, Any]]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} at "
                     + "; ".join(" ".join(node.get("target", [])) for node in v["nodes"][:5])
                     for v in found)
