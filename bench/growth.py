"""Does a province stay as fast after ten years of history as after one? Pages and the period report
on 1, 3 and 10 years of the province data set, with and without the indexes added for growth.

    .venv/bin/python bench/growth.py                 (needs PostgreSQL on 127.0.0.1:5432 as postgres)
    .venv/bin/python bench/growth.py --years 1 10 --repeat 5      (a shorter run while developing)

For each history length a throwaway database nhiemvu_growth_<years>y_<pid> is created, migrated
and seeded in bulk (nhiemvu.dashboards.demo.seed_province: 20 agencies, 50 tasks each a year, i.e.
1,000 tasks a year, 3 targets each, every monthly period reported and accepted up to today; the
earlier years' plans closed), analysed, measured and dropped (also on error or Ctrl-C).

Measured in-process with Django's test client and production settings (per-process memory cache),
warm, median of --repeat requests, queries counted with CaptureQueriesContext:
the director's and the provincial reviewer's overview (as served: the rendered page is cached per
data stamp) and the same pages built (cache cleared before each request: what a reader waits for
after a report is saved), the province dashboard, the director's task list, a unit's "my tasks",
a unit's and a deputy's plan list (who reaches which plan: plans_visible_to), the report form
(GET, this year's open period) and the period report build (documents' build_report
for this year's latest reported month across the 20 agencies' plans, as bench/report.py).

Each page is measured three times on the same data: with the indexes of GROWTH_INDEXES dropped
inside a transaction that is rolled back ("before"), with every index ("after"), and with every
index and random_page_cost 1.1 ("tuned", see RANDOM_PAGE_COST). Besides the wall time (noisy on a
shared machine) each row gives the median database time of a request's queries. The 10-year database's
slowest queries (with every index) are then shown with EXPLAIN (ANALYZE, BUFFERS).
"Before" runs this checkout's queries: the one query rewritten for growth (reporting.snapshot's
_target_history reads the figures through their targets) stays rewritten.
The "build" rows also pay the dashboards' data stamp, as clearing the cache clears it too; when
served it is read once per DASHBOARD_STAMP_SECONDS. The "data stamp" row times that one query alone
(caching._read_data_stamp: a MAX(updated_at) over each of eight tables and the audit trail's newest
entries; "before", without the updated_at indexes, each MAX reads its whole table).
Goal (issue 20, item 4): every page at 10 years within about 1.2x of 1 year.

A run on the 2-core machine when it was quiet (06/12/2026, --repeat 5, load average under 1), 10y/1y wall ratio:
before 0.92-1.43 (unit my tasks 11.2 -> 16.1 ms), after 0.68-1.25 (director overview build 77 -> 96
ms); the province-sized builds (1.2 s, mostly Python) 0.98-1.05 after; database time of the
province overview build 143 -> 209 ms after, 152 -> 189 ms tuned.
With the data stamp's indexes and its COUNT(*)s gone (06/12/2026, --repeat 3, load average about 3:
another benchmark beside it), the data stamp took 0.6 ms at 1, 3 and 10 years (1.4 -> 14.5 ms
"before", without the updated_at indexes; its COUNT(*)s used to add about 20 ms at 10 years); pages
10y/1y after 0.90-1.47, the worst a page served from the cache in a few ms (director task list 6.3
-> 9.3 ms), the province-sized builds 1.02-1.17.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time

from province import NHIEMVU, PY, ROOT, production_env

AGENCIES = 20
TASKS_PER_AGENCY = 50  # x 20 agencies = 1,000 tasks a year
TARGETS_PER_TASK = 3

# The indexes added for history growth; "before" drops them.
GROWTH_INDEXES = [
    "report_lead_accepted_idx",  # reporting 0006_growth_indexes
    "report_superseding_idx",
    # The dashboards' data stamp reads MAX(updated_at) of these tables (plans 0006, reporting 0007,
    # cascade 0002: *_updated_at_indexes).
    "plan_updated_idx",
    "task_updated_idx",
    "target_updated_idx",
    "milestone_updated_idx",
    "period_updated_idx",
    "report_updated_idx",
    "obstacle_updated_idx",
    "tasklink_updated_idx",
]
# PostgreSQL's default cost of a random page read (4) is a spinning disk's; on SSDs, or with the
# data in memory as here, 1.1 is the usual setting, and with it the planner reads the history tables
# through their indexes. Measured as a third variant (SET for the session): a deployment choice.
RANDOM_PAGE_COST = "1.1"

# Each measured page: (label, username, path); the report form and the build are added in `measure`.
PAGES = [
    ("director overview", "demo-giamdoc", "/dashboards/", False),
    ("director overview build", "demo-giamdoc", "/dashboards/", True),
    ("province overview", "demo-tinh", "/dashboards/", False),
    ("province overview build", "demo-tinh", "/dashboards/", True),
    ("province dashboard", "demo-tinh", "/dashboards/province/", False),
    ("province dashboard build", "demo-tinh", "/dashboards/province/", True),
    ("director task list", "demo-giamdoc", "/dashboards/tasks/", False),
    ("unit my tasks", "demo-chicuc", "/reporting/", False),
    # The plan list asks the visibility rule (plans_visible_to) for who reaches which plan.
    ("unit plan list", "demo-chicuc", "/plans/", False),
    ("deputy plan list", "demo-pgd", "/plans/", False),
]


# --- inside the throwaway database (run as `growth.py --inside YEARS` with its environment) ---


def seed(years: int) -> str:
    import datetime as dt

    from django.db import connection

    from nhiemvu.dashboards.demo import Scale, seed_province
    from nhiemvu.plans.models import Plan, PlanStatus
    from nhiemvu.reporting.models import ProgressReport, TargetValue

    today = dt.date.today()
    started = time.perf_counter()
    scale = Scale(
        agencies=AGENCIES,
        plans_per_agency=years,
        tasks_per_plan=TASKS_PER_AGENCY,
        targets_per_task=TARGETS_PER_TASK,
    )
    seed_province(scale=scale, start_year=today.year - years + 1, today=today)
    Plan.objects.filter(year__lt=today.year).update(status=PlanStatus.CLOSED)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum leaves a table that has stopped changing
    return (
        f"{years} years: {Plan.objects.count():,} plans, {ProgressReport.objects.count():,} reports, "
        f"{TargetValue.objects.count():,} figures, seeded in {time.perf_counter() - started:.0f} s"
    )


def measure(repeat: int) -> dict[str, tuple[float, int, float, list[tuple[float, str]]]]:
    """page -> (median ms, queries of one request, their database ms, those queries as (ms, sql))."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from nhiemvu.dashboards import caching
    from nhiemvu.documents.access import period_queryset
    from nhiemvu.documents.data import ReportOptions, build_report
    from nhiemvu.organisations.models import OrganisationKind
    from nhiemvu.plans.models import Task
    from nhiemvu.reporting.models import ProgressReport, ReportingPeriod

    User = get_user_model()
    today = dt.date.today()
    results: dict[str, tuple[float, int, float, list[tuple[float, str]]]] = {}

    def run(label: str, call, *, before=None) -> None:  # type: ignore[no-untyped-def]
        for _ in range(2):
            if before:
                before()
            call()
        walls, db_ms = [], []
        for _ in range(repeat):
            if before:
                before()
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                call()
                walls.append((time.perf_counter() - t0) * 1000)
            captured = [(float(q["time"]) * 1000, q["sql"]) for q in ctx.captured_queries]
            db_ms.append(sum(ms for ms, _ in captured))
        results[label] = (statistics.median(walls), len(captured), statistics.median(db_ms), captured)

    clients = {}
    for label, username, path, cold in PAGES:
        if username not in clients:
            clients[username] = Client(HTTP_HOST="127.0.0.1")
            clients[username].force_login(User.objects.get(username=username))
        c = clients[username]

        def get(c=c, path=path, label=label):  # type: ignore[no-untyped-def]
            response = c.get(path)
            assert response.status_code == 200, (label, path, response.status_code)

        run(label, get, before=cache.clear if cold else None)

    # The report form: this year's first open monthly period of a task of demo-chicuc's unit.
    unit_user = User.objects.get(username="demo-chicuc")
    unit_id = unit_user.memberships.values_list("organisation_id", flat=True).first()
    task = Task.objects.filter(lead_unit_id=unit_id, plan__year=today.year).order_by("id").first()
    assert task is not None
    reported = ProgressReport.objects.filter(task=task).values_list("period_id", flat=True)
    period = (
        ReportingPeriod.objects.filter(plan_id=task.plan_id, frequency="monthly")
        .exclude(pk__in=reported)
        .order_by("ends_on")
        .first()
    )
    assert period is not None
    form = f"/reporting/tasks/{task.pk}/periods/{period.pk}/"

    def get_form() -> None:
        response = clients["demo-chicuc"].get(form)
        assert response.status_code == 200, (form, response.status_code)

    run("report form GET", get_form)

    # The period report: this year's latest reported month, every agency's plan.
    latest = (
        ReportingPeriod.objects.filter(
            plan__year=today.year,
            plan__issuer__kind=OrganisationKind.DEPARTMENT,
            frequency="monthly",
            ends_on__lte=today,
        )
        .order_by("-ends_on")
        .values_list("key", flat=True)
        .first()
    )
    periods = list(
        period_queryset().filter(
            plan__year=today.year, plan__issuer__kind=OrganisationKind.DEPARTMENT, key=latest
        )
    )
    assert len(periods) == AGENCIES, (latest, len(periods))
    run("period report build", lambda: build_report(periods, options=ReportOptions(date=today)))
    # What every "build" row pays first, and a served page once per DASHBOARD_STAMP_SECONDS.
    run("data stamp", caching._read_data_stamp)
    return results


def inside(years: int, repeat: int, explain: int) -> int:
    import django

    django.setup()
    from django.db import connection, transaction

    print(seed(years), file=sys.stderr, flush=True)
    after = measure(repeat)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname = ANY(%s)",
                [GROWTH_INDEXES],
            )
            present = [row[0] for row in cursor.fetchall()]
            for name in present:
                cursor.execute(f'DROP INDEX "{name}"')  # names from GROWTH_INDEXES, no user input
        before = measure(repeat)
        transaction.set_rollback(True)  # the indexes come back
    with connection.cursor() as cursor:
        cursor.execute(f"SET random_page_cost = {RANDOM_PAGE_COST}")
    tuned = measure(repeat)
    with connection.cursor() as cursor:
        cursor.execute("RESET random_page_cost")
    explained = []
    if explain:
        slowest = sorted(
            ((ms, label, sql) for label, (_, _, _, qs) in after.items() for ms, sql in qs),
            reverse=True,
        )
        seen = set()
        with connection.cursor() as cursor:
            for ms, label, sql in slowest:
                shape = sql[:200]
                if shape in seen or not sql.lstrip().upper().startswith("SELECT"):
                    continue
                seen.add(shape)
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0][:240] for row in cursor.fetchall())
                explained.append({"page": label, "ms": ms, "sql": sql, "plan": plan})
                if len(explained) >= explain:
                    break
    summary = {
        "years": years,
        "dropped": present,
        "before": {k: v[:3] for k, v in before.items()},
        "after": {k: v[:3] for k, v in after.items()},
        "tuned": {k: v[:3] for k, v in tuned.items()},
        "explain": explained,
    }
    print("GROWTH " + json.dumps(summary), flush=True)
    return 0


# --- the driver ---


def run_years(years: int, repeat: int, explain: int) -> dict:  # type: ignore[type-arg]
    db = f"nhiemvu_growth_{years}y_{os.getpid()}"
    env = {**production_env("growth", db), "DASHBOARD_STAMP_SECONDS": "15"}
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db], check=True)
    try:
        for args in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run([*NHIEMVU, *args], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        child = subprocess.Popen(
            [PY, __file__, "--inside", str(years), "--repeat", str(repeat), "--explain", str(explain)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            out, _ = child.communicate()
        except BaseException:
            child.send_signal(signal.SIGTERM)
            child.wait(timeout=30)
            raise
        if child.returncode:
            raise SystemExit(f"{years} years: measuring failed ({child.returncode})")
        line = next(line for line in out.splitlines() if line.startswith("GROWTH "))
        return json.loads(line[len("GROWTH ") :])
    finally:
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", db], check=False
        )


TITLES = {
    "before": "before: without the growth indexes (reporting 0006 dropped), random_page_cost 4",
    "after": "after: with the growth indexes, random_page_cost 4 (PostgreSQL's default)",
    "tuned": f"tuned: with the growth indexes, random_page_cost {RANDOM_PAGE_COST}",
}


def table(results: list[dict], which: str) -> None:  # type: ignore[type-arg]
    """One variant: per page and history length the median ms, the queries and their database ms."""
    first, last = results[0], results[-1]
    head = "".join(f"{str(r['years']) + 'y ms':>9}{'q':>4}{'db ms':>7}" for r in results)
    print(
        f"\n{TITLES[which]}\nratio = {last['years']}y / {first['years']}y ms (and db ms, under 1 ms counted as 1)"
    )
    print(f"{'page':26}{head}{'ratio':>7}{'db':>6}")
    for page in first[which]:
        cells = "".join(
            f"{r[which][page][0]:9.1f}{r[which][page][1]:4d}{r[which][page][2]:7.1f}" for r in results
        )
        ratio = last[which][page][0] / first[which][page][0]
        db_ratio = last[which][page][2] / max(first[which][page][2], 1.0)
        print(f"{page:26}{cells}{ratio:7.2f}{db_ratio:6.2f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--years", type=int, nargs="+", default=[1, 3, 10])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--explain", type=int, default=4, help="EXPLAIN ANALYZE this many slowest queries")
    ap.add_argument("--inside", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.inside:
        return inside(args.inside, args.repeat, args.explain)
    results = []
    for years in sorted(args.years):
        started = time.perf_counter()
        results.append(run_years(years, args.repeat, args.explain if years == max(args.years) else 0))
        print(f"({years} years measured in {time.perf_counter() - started:.0f} s)", flush=True)
    print(f"\nindexes dropped for 'before': {', '.join(results[-1]['dropped']) or 'none present'}")
    for which in TITLES:
        table(results, which)
    for item in results[-1]["explain"]:
        print(f"\n--- {results[-1]['years']} years, {item['page']}: {item['ms']:.1f} ms\n{item['sql'][:600]}")
        print(item["plan"])
    print()
    for which in TITLES:
        for column, name in ((0, "ms"), (2, "db ms")):
            ratios = {
                page: v[column] / max(results[0][which][page][column], 1.0)
                for page, v in results[-1][which].items()
            }
            page = max(ratios, key=lambda p: ratios[p])
            print(
                f"{which}: worst {results[-1]['years']}y/{results[0]['years']}y ratio of {name}: "
                f"{ratios[page]:.2f} ({page}) [goal <= about 1.2]"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
