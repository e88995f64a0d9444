"""The portal served as `make run` served it (``ckan run --threaded``, one process) beside the
production stack (``dev/serve.sh``: uWSGI's worker processes behind nginx), in one run, on the
same data and machine.

    bash dev/bench.sh bench/bench_serving.py    [--requests 120] [--layouts 2x4,1x8]

1. Data: the demo portal (``ckan pm25 demo load`` and ``demo harvest``: stations with several
   days of hourly readings up to now), in the bench database dev/bench.sh empties first.
2. Both servers started on spare ports, over the same configuration.
3. For ``/pm25``, the province page of the province with the most stations, ``pm25_province_list``
   and a ``package_search`` filtered by that province: c = 1, 4, 16, 64 concurrent clients
   (threads, each with a keep-alive connection), each making a bounded number of requests
   (``--requests`` / c, at least 3): requests/s, p50/p95/p99 and errors, for
   - ``ckan run``: today's way;
   - ``uwsgi PxT``: uWSGI with P processes of T threads (``make run``'s 2x4, and 1x8), through
     nginx with its cache bypassed (the request carries a ``ckan`` cookie, as a visitor with a
     session does): every request rendered;
   - ``nginx cache``: repeat anonymous requests (no cookie) through the first layout's nginx
     cache: what the burning season's crowd on the same pages gets.
4. Ratios against ``ckan run``, and the issue's goals (c=16: ≥ 3× on /pm25 and the province
   page with p95 < 300 ms; ≥ 1,000 requests/s for repeat hits; no error), printed, not asserted:
   they depend on the machine and what else runs on it (the load average is printed).
"""
from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONCURRENCY = (1, 4, 16, 64)
BYPASS = {"Cookie": "ckan=bench-visitor-with-a-session"}


@dataclass
class Result:
    requests: int
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return math.nan
        return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)] * 1000


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def client(port: int, path: str, count: int, headers: dict[str, str], latencies: list[float],
           errors: list[int], start: threading.Barrier) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start.wait()
    for _ in range(count):
        began = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors.append(response.status)
            else:
                latencies.append(time.perf_counter() - began)
        except (OSError, http.client.HTTPException):
            errors.append(0)
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.close()


def load(port: int, path: str, clients: int, per_client: int, headers: dict[str, str]) -> Result:
    latencies: list[float] = []
    errors: list[int] = []
    start = threading.Barrier(clients + 1)
    threads = [threading.Thread(target=client, args=(port, path, per_client, headers, latencies, errors, start))
               for _ in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return Result(clients * per_client, time.perf_counter() - began, latencies, len(errors))


def ckan(ini: str, *args: str) -> None:
    subprocess.run([str(Path(sys.executable).parent / "ckan"), "-c", ini, *args], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=120,
                        help="requests per URL and concurrency, spread over the clients")
    parser.add_argument("--layouts", default="2x4,1x8",
                        help="uWSGI layouts to measure, processes x threads (the first also behind the cache)")
    parser.add_argument("--ini", default=os.environ.get("PM25_BENCH_INI", str(ROOT / "test.ini")))
    options = parser.parse_args()

    print("Loading the demo portal (demo load, demo harvest)", flush=True)
    ckan(options.ini, "pm25", "demo", "load")
    ckan(options.ini, "pm25", "demo", "harvest")

    logs = Path(os.environ.get("PM25_LOGS", ROOT / ".stack" / "logs"))
    plain_port = spare_port()
    with open(logs / "bench-ckan-run.log", "w") as log:
        plain = subprocess.Popen([str(Path(sys.executable).parent / "ckan"), "-c", options.ini, "run", "-H",
                                  "127.0.0.1", "-p", str(plain_port), "--disable-reloader", "--threaded"],
                                 stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    stacks: dict[str, dict[str, str]] = {}
    serve = ["bash", str(ROOT / "dev" / "serve.sh")]
    try:
        for layout in options.layouts.split(","):
            processes, threads = layout.split("x")
            port = spare_port()
            stacks[layout] = {**os.environ, "PM25_WEB_PORT": str(port), "PM25_WEB_WORKERS": processes,
                              "PM25_WEB_THREADS": threads,
                              "PM25_SERVE_DIR": str(ROOT / ".stack" / f"serve-bench-{port}")}
            subprocess.run([*serve, "start", options.ini], env=stacks[layout], check=True)
        wait_for(f"http://127.0.0.1:{plain_port}/api/3/action/status_show")
        run(plain_port, {layout: int(env["PM25_WEB_PORT"]) for layout, env in stacks.items()}, options.requests)
    finally:
        plain.terminate()
        plain.wait(timeout=30)
        for env in stacks.values():
            subprocess.run([*serve, "stop"], env=env, check=False)
            shutil.rmtree(env["PM25_SERVE_DIR"], ignore_errors=True)


def busiest_province(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/3/action/pm25_province_list", timeout=60) as answer:
        records = json.load(answer)["result"]
    return str(max(records, key=lambda record: record["station_count"])["code"])


def run(plain_port: int, stacks: dict[str, int], requests: int) -> None:
    province = busiest_province(plain_port)
    paths = {
        "/pm25": "/pm25",
        "province page": f"/province/{province}",
        "pm25_province_list": "/api/3/action/pm25_province_list",
        "package_search (province)": f"/api/3/action/package_search?ext_province={province}&rows=10",
    }
    first = next(iter(stacks.values()))
    columns: dict[str, tuple[int, dict[str, str]]] = {"ckan run": (plain_port, {})}
    columns.update({f"uwsgi {layout}": (port, BYPASS) for layout, port in stacks.items()})
    columns["nginx cache"] = (first, {})
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores); province {province}")
    header = f"{'':28} {'c':>3}  " + "  ".join(f"{name:>32}" for name in columns)
    print(header)
    print(f"{'':28} {'':>3}  " + "  ".join(f"{'req/s   p50   p95   p99 ms  err':>32}" for _ in columns))
    figures: dict[tuple[str, str, int], Result] = {}
    for label, path in paths.items():
        for port, headers in columns.values():
            load(port, path, 1, 3, headers)  # warm: templates compiled, the cache filled
        for clients in CONCURRENCY:
            per_client = max(3, math.ceil(requests / clients))
            row = []
            for name, (port, headers) in columns.items():
                result = load(port, path, clients, per_client, headers)
                figures[(label, name, clients)] = result
                row.append(f"{result.rate:8.1f} {result.percentile(0.50):5.0f} {result.percentile(0.95):5.0f} "
                           f"{result.percentile(0.99):5.0f}  {result.errors:3d}")
            print(f"{label:28} {clients:>3}  " + "  ".join(f"{cell:>32}" for cell in row), flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print()
    names = list(columns)
    print("ratios of requests/s against ckan run:")
    for label in paths:
        for clients in CONCURRENCY:
            base = figures[(label, names[0], clients)].rate
            ratios = "  ".join(f"{name} {figures[(label, name, clients)].rate / base:6.1f}x" for name in names[1:])
            print(f"  {label:28} c={clients:<3} {ratios}")
    print()
    print("goals (issue 15):")
    for label in ("/pm25", "province page"):
        today = figures[(label, names[0], 16)]
        for name in names[1:]:
            ours = figures[(label, name, 16)]
            verdict = "met" if ours.rate >= 3 * today.rate and ours.percentile(0.95) < 300 else "NOT met"
            print(f"  {label}, c=16, {name}: {ours.rate / today.rate:.1f}x today's requests/s (goal >= 3x), "
                  f"p95 {ours.percentile(0.95):.0f} ms (goal < 300): {verdict}")
    best = max(figures[(label, names[-1], clients)].rate for label in paths for clients in CONCURRENCY)
    print(f"  repeat hits through the cache: best {best:.0f} requests/s (goal >= 1,000): "
          f"{'met' if best >= 1000 else 'NOT met'}")
    errors = sum(result.errors for result in figures.values())
    print(f"  errors: {errors} (goal 0)")
    print("  medians of requests/s at c=16 across the four URLs: "
          + ", ".join(f"{name} {statistics.median(figures[(label, name, 16)].rate for label in paths):.1f}"
                      for name in names))


if __name__ == "__main__":
    main()
