"""Province and district alerts at national scale: 10,000 confirmed subscriptions over the 77
provinces and the 928 districts of the GISTDA model (a third of them on districts), evaluated
and mailed by `ckan pm25 alerts send` (send_alerts), beside the naive way measured on a
sample in the same run.

    python bench/bench_alerts.py [--subscriptions 10000] [--sample 200] [--ini test.ini]

Run it through `bash dev/bench.sh bench/bench_alerts.py`, which points test.ini at a bench
database; this script empties that database before itself.

1. Load: every province's last 24 hours in the dashboard's summary (``pm25_province_hourly``: one
   value per hour, 40–90 µg/m³) and every district's model value in the modelled areas' summary
   (``pm25_area_latest``, 24-hour means 40–90 µg/m³, from a published store), so every
   subscription below is due: the worst case, one mail each; ``--subscriptions`` confirmed
   subscriptions, two in three spread over the provinces, one in three over the districts,
   thresholds 20–39 µg/m³, Thai and English.
2. An SMTP server on 127.0.0.1 (aiosmtpd's Sink handler, in a process of its own) that accepts
   and discards.
3. Ours: one run of send_alerts: the means read once, every due subscription found by one query,
   the mails sent in batches of ``ckanext.pm25.alerts.batch_size`` over one SMTP connection each,
   each batch's state committed once.
4. Naive, on ``--sample`` of the same subscriptions made due again: for each one, a query for its
   area's 24-hour mean (readings.queries.province_latest of that province, or the district's
   row of the modelled areas) and its state,
   one SMTP connection for its mail, one commit; the time per subscription is multiplied out.

Figures are printed, never asserted: they depend on the machine.
"""
from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

UTC = timezone.utc


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_sink(port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                                "-c", "aiosmtpd.handlers.Sink"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("the SMTP sink did not start")


def published_store() -> str:
    """A public, active dataset with one resource: the model store the districts' values come
    from (a district counts only while its store is published)."""
    from ckan import model

    package = model.Package(name="bench-gistda-model", title="GISTDA model (bench)", type="dataset",
                            state="active", private=False)
    model.Session.add(package)
    model.Session.flush()
    resource = model.Resource(package_id=package.id, url="http://127.0.0.1/bench.csv", name="store")
    model.Session.add(resource)
    model.repo.commit()
    return str(resource.id)


def load(conn: Any, subscriptions: int, now: datetime, rng: random.Random, resource_id: str) -> None:
    import sqlalchemy as sa

    from ckanext.pm25.demo.upstream.gistda import model_districts
    from ckanext.pm25.geo.provinces import all_provinces, by_code
    from ckanext.pm25.participation import rules

    codes = [province.code for province in all_provinces()]
    hour = now.replace(minute=0, second=0, microsecond=0)
    hourly = [{"province": code, "hour_utc": hour - timedelta(hours=back), "total": rng.uniform(40, 90), "count": 1}
              for code in codes for back in range(24)]
    conn.execute(sa.text("INSERT INTO pm25_province_hourly (province, hour_utc, pm25_total, pm25_count) "
                         "VALUES (:province, :hour_utc, :total, :count)"), hourly)
    districts = model_districts()
    areas = [{"series_id": f"gistda:district:{district.code}", "code": district.code,
              "province": by_code(district.province_dopa).code,  # type: ignore[union-attr]
              "name_th": district.name_th, "name_en": district.name_en, "hour_utc": hour,
              "pm25": rng.uniform(40, 90), "pm25_24h": rng.uniform(40, 90), "resource_id": resource_id}
             for district in districts]
    conn.execute(sa.text("""
        INSERT INTO pm25_area_latest (series_id, source_id, kind, code, province, name_th, name_en, hour_utc, pm25,
                                      pm25_24h, data_source, licence, resource_id)
        VALUES (:series_id, 'bench', 'district', :code, :province, :name_th, :name_en, :hour_utc, :pm25, :pm25_24h,
                'GISTDA (bench)', 'Open Data Common', :resource_id)"""), areas)
    rows = []
    for number in range(subscriptions):
        subscription_id = str(uuid.uuid4())
        area_code = districts[number // 3 % len(districts)].code if number % 3 == 2 else codes[number % len(codes)]
        rows.append({"id": subscription_id, "email": f"subscriber{number}@bench.example.org",
                     "area_code": area_code, "threshold": round(rng.uniform(20, 39), 1),
                     "language": "en" if number % 3 == 0 else "th", "state": rules.CONFIRMED,
                     "unsubscribe_token_hash": rules.token_hash(subscription_id), "created": now, "confirmed": now})
    conn.execute(sa.text("""
        INSERT INTO pm25_alert_subscription
               (id, email, area_code, threshold, language, state, unsubscribe_token_hash, created, confirmed)
        VALUES (:id, :email, :area_code, :threshold, :language, :state, :unsubscribe_token_hash, :created,
                :confirmed)"""), rows)


def naive(ids: list[str], now: datetime) -> int:
    """One subscription at a time: its area's mean by one query, one SMTP connection, one commit."""
    import sqlalchemy as sa
    from ckan import model

    from ckanext.pm25.participation import areas, letters, mailing, rules
    from ckanext.pm25.participation.sending import site_secret
    from ckanext.pm25.readings import queries
    from ckanext.pm25.readings.series import mean_24h

    secret, today, sent = site_secret(), rules.thai_day(now), 0
    assert model.meta.engine is not None
    for subscription_id in ids:
        with model.meta.engine.begin() as conn:
            row = conn.execute(sa.text(
                "SELECT email, area_code, threshold, language, last_state, last_notified_on "
                "FROM pm25_alert_subscription WHERE id = :id AND state = 'confirmed'"), {"id": subscription_id}).one()
            if row.area_code.startswith("TH-"):
                last = queries.province_latest(conn, [row.area_code])[row.area_code]
                mean = mean_24h(last.day_total, last.day_count, last.day_hours)
            else:
                mean = conn.execute(sa.text("SELECT pm25_24h FROM pm25_area_latest WHERE code = :code"),
                                    {"code": row.area_code}).scalar()
            area = areas.area_of(conn, row.area_code)
            if mean is None or area is None:
                continue
            state = "above" if mean > row.threshold else "below"
            if state == (row.last_state or "below") or row.last_notified_on == today:
                continue
            message = letters.alert(row.email, area, row.threshold, row.language, mean, state,
                                    rules.unsubscribe_token(secret, subscription_id))
            with mailing.connection() as smtp:
                if mailing.send(smtp, message, row.email):
                    conn.execute(sa.text("UPDATE pm25_alert_subscription SET last_state = :state, "
                                         "last_notified_on = :today WHERE id = :id"),
                                 {"state": state, "today": today, "id": subscription_id})
                    sent += 1
    return sent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscriptions", type=int, default=int(os.environ.get("PM25_BENCH_SUBSCRIPTIONS", "10000")))
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--ini", default=os.environ.get("PM25_BENCH_INI", str(ROOT / "test.ini")))
    args = parser.parse_args()

    from bench_dashboard import reset_everything, setup_ckan

    setup_ckan(args.ini)
    import ckan.plugins.toolkit as tk
    import sqlalchemy as sa
    from ckan import model

    from ckanext.pm25.participation.sending import send_alerts

    reset_everything()
    now = datetime.now(UTC)
    rng = random.Random(2026)
    assert model.meta.engine is not None
    resource_id = published_store()
    with model.meta.engine.begin() as conn:
        load(conn, args.subscriptions, now, rng, resource_id)
    port = free_port()
    sink = start_sink(port)
    tk.config["smtp.server"] = f"127.0.0.1:{port}"
    tk.config["smtp.mail_from"] = "alerts@bench.example.org"
    tk.config["smtp.starttls"] = False
    batch = int(tk.config.get("ckanext.pm25.alerts.batch_size"))
    print(f"Alerts: {args.subscriptions} confirmed subscriptions over 77 provinces and 928 modelled districts "
          f"(a third on districts), every one due "
          f"(one mail each), SMTP sink on 127.0.0.1:{port} (aiosmtpd, its own process), batches of {batch}")
    try:
        from ckanext.pm25.participation import evaluation, rules
        from ckanext.pm25.readings.records import Freshness

        started = time.perf_counter()
        with model.meta.engine.connect() as conn:
            due = evaluation.due(conn, evaluation.area_means(conn, Freshness(now, timedelta(hours=3))),
                                 rules.thai_day(now))
        print(f"\nEvaluation alone (the 77 province and 928 district means, then one query for every due "
              f"subscription): {len(due)} due ({sum(not item.area_code.startswith('TH-') for item in due)} of them "
              f"on districts) in {(time.perf_counter() - started) * 1000:.0f} ms")
        started = time.perf_counter()
        report = send_alerts(now)
        ours = time.perf_counter() - started
        assert report.error is None, report.error
        print(f"\nOurs (send_alerts): {report.due} due, {report.sent} sent in {ours:.1f} s "
              f"({report.sent / ours:.0f} mails/s); {report.areas} areas with a current mean")
        again = time.perf_counter()
        repeat = send_alerts(now)
        print(f"  the run repeated: {repeat.due} due, {repeat.sent} sent, {time.perf_counter() - again:.2f} s")

        with model.meta.engine.begin() as conn:
            ids = list(conn.execute(sa.text("SELECT id FROM pm25_alert_subscription ORDER BY random() LIMIT :n"),
                                    {"n": args.sample}).scalars())
            conn.execute(sa.text("UPDATE pm25_alert_subscription SET last_state = NULL, last_notified_on = NULL "
                                 "WHERE id = ANY(:ids)"), {"ids": ids})
        started = time.perf_counter()
        sent = naive(ids, now)
        sample = time.perf_counter() - started
        per = sample / max(sent, 1)
        projected = per * args.subscriptions
        print(f"Naive (a query and an SMTP connection per subscription): {sent} of a sample of {len(ids)} sent in "
              f"{sample:.1f} s ({sent / sample:.0f} mails/s), {args.subscriptions} projected {projected:.0f} s")
        print(f"\nRatio: ours {projected / ours:.1f}× faster than the naive way "
              f"({ours:.1f} s against {projected:.0f} s for {args.subscriptions} mails; target under 60 s: "
              f"{'met' if ours < 60 else 'NOT met'})")
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
