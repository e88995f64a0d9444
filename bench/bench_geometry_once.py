"""package_create of a dataset with a 2,000-vertex polygon: the code of a given commit (default:
the one before one geometry read per write) against the working tree, side by side.

    python bench/bench_geometry_once.py [--ckan-ini test.ini] [--base c80e5b5] [--rounds 3] [--creates 8]

Run it through `bash dev/bench.sh bench/bench_geometry_once.py` (a bench database, or a test
slot's with PM25_SLOT=N). The base commit's `ckanext/pm25` is exported to a temporary directory;
each round runs one child process on each code (base first, then this tree), and each child
makes `--creates` datasets through the action API (validation, database, index: the real
stack). Printed: the parses per create seen in each child and the ratio of the median
package_create times (this tree / base). Never asserted: it depends on the machine.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VERTICES = 2000
CENTRE = (99.8, 18.1)  # across the Lampang (TH-52) / Phrae (TH-54) border


def polygon(shift: float = 0.0, vertices: int = VERTICES) -> str:
    """A star-shaped (so simple and valid) ring of `vertices` positions, the closing one included;
    `shift` (degrees east) makes each dataset's geometry its own, as a real write's would be."""
    ring = []
    for index in range(vertices - 1):
        angle = 2 * math.pi * index / (vertices - 1)
        radius = 0.25 + 0.03 * math.sin(7 * angle) + 0.01 * math.sin(53 * angle)
        ring.append([round(CENTRE[0] + shift + radius * math.cos(angle), 6),
                     round(CENTRE[1] + radius * math.sin(angle), 6)])
    ring.append(ring[0])
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def child(ini: str, code: str | None, creates: int) -> None:
    import ckanext
    if code:  # the base commit's package before the installed (editable) one
        ckanext.__path__.insert(0, str(Path(code) / "ckanext"))  # type: ignore[attr-defined]
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    app._wsgi_app.test_request_context().push()  # type: ignore[attr-defined]

    import ckan.plugins.toolkit as tk

    from ckanext.pm25.geo import geometry
    # tests/factories.py (a valid PM2.5 dataset); CKAN's own `tests` package shadows ours on the path.
    spec = importlib.util.spec_from_file_location("pm25_test_factories", ROOT / "tests" / "factories.py")
    assert spec and spec.loader
    factories = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(factories)
    required: dict[str, Any] = factories.REQUIRED_FIELDS

    parses = 0
    parse = geometry.parse_geometry

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal parses
        parses += 1
        return parse(*args, **kwargs)
    geometry.parse_geometry = counting  # type: ignore[assignment]

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    context = {"user": site_user, "ignore_auth": True}
    org_name = "pm25-bench-geometry-org"
    try:
        org = tk.get_action("organization_show")(dict(context), {"id": org_name})
    except tk.ObjectNotFound:
        org = tk.get_action("organization_create")(dict(context), {"name": org_name, "title": "Bench"})
    seconds = []
    for number in range(creates):
        data = {**required, "name": f"pm25-bench-geometry-{uuid.uuid4().hex[:12]}", "title": "Bench",
                "owner_org": org["id"], "spatial": polygon(shift=number * 1e-4 + time.time() % 1 * 1e-3)}
        started = time.perf_counter()
        tk.get_action("package_create")(dict(context), data)
        seconds.append(time.perf_counter() - started)
    print(json.dumps({"seconds": seconds, "parses_per_create": parses / creates}))


def run_child(ini: str, code: str | None, creates: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--ckan-ini", ini, "--child", "--creates", str(creates)]
    if code:
        command += ["--code", code]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ckan-ini", default=str(ROOT / "test.ini"))
    parser.add_argument("--base", default="c80e5b5")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--creates", type=int, default=8)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--code")
    args = parser.parse_args()
    if args.child:
        child(args.ckan_ini, args.code, args.creates)
        return 0
    with tempfile.TemporaryDirectory() as base:
        archive = subprocess.run(["git", "archive", args.base, "ckanext"], check=True, capture_output=True, cwd=ROOT)
        subprocess.run(["tar", "-x", "-C", base], input=archive.stdout, check=True)
        before: list[float] = []
        after: list[float] = []
        parses = {}
        for _ in range(args.rounds):
            for code, times, label in ((base, before, "base"), (None, after, "this tree")):
                result = run_child(args.ckan_ini, code, args.creates)
                # The first create of a process builds the gazetteer and warms caches: not counted.
                times.extend(result["seconds"][1:])
                parses[label] = result["parses_per_create"]
    print(f"{VERTICES}-vertex polygon, {args.rounds} rounds x {args.creates - 1} creates per code")
    print(f"parse_geometry calls per package_create: base {parses['base']:.0f}, this tree {parses['this tree']:.0f}")
    print(f"package_create median time, this tree / base: {statistics.median(after) / statistics.median(before):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
