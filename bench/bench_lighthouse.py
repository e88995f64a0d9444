"""Lighthouse (npm, mobile profile, Debian's headless Chromium) on the dashboard, beside CKAN's own
dataset search page on the same portal, in one run (issue 16).

    python bench/bench_lighthouse.py [--stations 100] [--days 2] [--runs 3] [--pages /pm25,/en/pm25,/dataset/]

Run it through `dev/bench.sh bench/bench_lighthouse.py` (which takes no options: set
PM25_BENCH_LIGHTHOUSE_RUNS and PM25_BENCH_LIGHTHOUSE_PAGES instead), which points test.ini at a bench
database; this script empties that database before and after itself. It loads ``--stations``
stations with ``--days`` of hourly readings (bench_dashboard's loader), serves the portal as
``make run`` does (``dev/serve.sh``: uWSGI behind nginx, which compresses and caches) on the bench
configuration's site URL and, beside it, with ``ckan run`` (no compression, no cache headers:
how the bench served it first), and runs Lighthouse ``--runs`` times on ``/pm25`` (Thai),
``/en/pm25`` and ``/dataset/`` (CKAN's own page, for scale) of the first and ``/pm25`` of the
second, printing the median score of each category, then what still costs ``/pm25`` its
performance (the failing audits of its last report; every report is kept in the logs folder).
Issue 16 asks for performance >= 90, accessibility >= 95 and best practices >= 95 on ``/pm25``.
Lighthouse simulates a mid-range phone on a slow network; on this shared 2-core machine its
performance score moves between runs.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import socket
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_dashboard import Load, reset_everything, setup_ckan  # noqa: E402

CATEGORIES = ("performance", "accessibility", "best-practices")
TARGETS = {"performance": 90, "accessibility": 95, "best-practices": 95}
PAGES = ("/pm25", "/en/pm25", "/dataset/")


def lighthouse_bin() -> Path:
    var = Path(os.environ.get("PM25_VAR") or ROOT / ".stack")
    return var / "node" / "node_modules" / ".bin" / "lighthouse"


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_plain(ini: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    """``ckan run`` (one process, Flask serving the assets itself) on ``port``."""
    ckan = shutil.which("ckan", path=os.path.dirname(sys.executable)) or "ckan"
    with open(log, "w") as out:
        process = subprocess.Popen([ckan, "-c", ini, "run", "-H", "127.0.0.1", "-p", str(port),
                                    "--disable-reloader", "--threaded"], stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/3/action/status_show", timeout=2):
                return process
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise SystemExit(f"the portal did not answer within 90 s (log: {log})")


@contextmanager
def served_as_make_run(ini: str, site_url: str) -> Iterator[None]:
    """``dev/serve.sh`` (uWSGI behind nginx, as ``make run``) on the site URL's port, in a serving
    folder of its own; stopped and removed after."""
    port = site_url.rsplit(":", 1)[1].split("/")[0]
    env = {**os.environ, "PM25_WEB_PORT": port, "PM25_SERVE_DIR": str(ROOT / ".stack" / f"serve-lighthouse-{port}")}
    script = ["bash", str(ROOT / "dev" / "serve.sh")]
    subprocess.run([*script, "start", ini], env=env, check=True)
    try:
        yield
    finally:
        subprocess.run([*script, "stop"], env=env, check=False)
        shutil.rmtree(env["PM25_SERVE_DIR"], ignore_errors=True)


def audit(url: str, report_path: Path) -> dict[str, float]:
    """One Lighthouse run (mobile, its default) of ``url``: each category's score out of 100. The
    whole report is written to ``report_path`` (the last run of each page is kept)."""
    result = subprocess.run(
        [str(lighthouse_bin()), url, "--output=json", "--quiet",
         f"--only-categories={','.join(CATEGORIES)}",
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"}, check=False)
    if result.returncode != 0:
        raise SystemExit(f"lighthouse failed on {url}: {result.stderr[-800:]}")
    report_path.write_text(result.stdout, encoding="utf-8")
    report = json.loads(result.stdout)
    return {name: round(100 * (report["categories"][name]["score"] or 0)) for name in CATEGORIES}


def costs(report_path: Path, limit: int = 12) -> list[str]:
    """The audits that cost the page its performance score, worst first: title and Lighthouse's
    figure (what it would save, or the metric's value)."""
    report = json.loads(report_path.read_text(encoding="utf-8"))
    audits = report["audits"]
    weights = {ref["id"]: ref.get("weight", 0) for ref in report["categories"]["performance"]["auditRefs"]}
    failing = [audit for audit in audits.values()
               if audit.get("score") is not None and audit["score"] < 0.9
               and (audit["id"] in weights or audit.get("details", {}).get("type") == "opportunity")]
    failing.sort(key=lambda audit: (-weights.get(audit["id"], 0), audit["score"]))
    return [f"{audit['title']}: {audit.get('displayValue', '')}".rstrip(": ") for audit in failing[:limit]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stations", type=int, default=100)
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--runs", type=int, default=int(os.environ.get("PM25_BENCH_LIGHTHOUSE_RUNS", "3")))
    parser.add_argument("--pages", default=os.environ.get("PM25_BENCH_LIGHTHOUSE_PAGES", ",".join(PAGES)),
                        help="the pages to audit as make run serves them, comma-separated")
    parser.add_argument("--ini", default=os.environ.get("PM25_BENCH_INI", str(ROOT / "test.ini")))
    args = parser.parse_args()
    if not lighthouse_bin().exists():
        raise SystemExit(f"{lighthouse_bin()} is missing: run `make install` (dev/install.sh installs it)")

    setup_ckan(args.ini)
    import ckan.plugins.toolkit as tk

    site_url = str(tk.config["ckan.site_url"]).rstrip("/")
    reset_everything()
    print(f"Lighthouse, mobile profile, median of {args.runs} runs; {args.stations} stations × {args.days} days")
    Load(args.stations, args.days).run()
    logs = Path(os.environ.get("PM25_LOGS") or ROOT / ".stack" / "logs")
    plain_port = spare_port()
    plain = serve_plain(args.ini, plain_port, logs / "bench-lighthouse-portal.log")
    reports: dict[str, Path] = {}

    def measure(label: str, url: str, slug: str) -> None:
        report_path = logs / f"lighthouse-{slug}.json"
        runs = [audit(url, report_path) for _ in range(args.runs)]
        reports[label] = report_path
        medians = {name: statistics.median(run[name] for run in runs) for name in CATEGORIES}
        print(f"{label:<24}" + "".join(f"{medians[name]:>16.0f}" for name in CATEGORIES))

    try:
        with served_as_make_run(args.ini, site_url):
            print(f"\n{'page (served by)':<24}" + "".join(f"{name:>16}" for name in CATEGORIES))
            for page in args.pages.split(","):
                measure(f"{page} (make run)", site_url + page, "make-run" + page.replace("/", "-").rstrip("-"))
            measure("/pm25 (ckan run)", f"http://127.0.0.1:{plain_port}/pm25", "ckan-run-pm25")
            print(f"{'target':<24}" + "".join(f"{TARGETS[name]:>16}" for name in CATEGORIES)
                  + "   (issue 16, /pm25 as make run serves it)")
            print(f"\nWhat costs /pm25 its performance as make run serves it (last run; reports in {logs}):")
            for line in costs(reports.get("/pm25 (make run)", reports["/pm25 (ckan run)"])) or ["nothing below 0.9"]:
                print(f"  - {line}")
    finally:
        plain.terminate()
        plain.wait(timeout=15)
        reset_everything()
    return 0


if __name__ == "__main__":
    sys.exit(main())
