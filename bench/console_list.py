"""The console's user list with 100 000 users in one organisation: how long one page takes,
on SQLite and on PostgreSQL. Target: under 100 ms a page. A benchmark reports; it never fails.

    .venv/bin/python bench/console_list.py [--users 100000] [--rounds 15]

SQLite runs in a fresh temporary data directory. PostgreSQL runs when
POORTWACHTER_DATABASE_URL is given, or when postgres://postgres@127.0.0.1:5432 answers; it
uses a database of its own, `bench_console` (dropped and made again), so it never touches the
test suite's database. Each database runs in a child process of this script (Django reads
its settings once).

Two measures per case: the query work of one page (console.user_list.page: the rows, their
roles and 2FA, the bounded count) and the whole signed-in page over Django's test client
(middleware, session, template) as an administrator sees it. Median and p90 of the rounds."""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/postgres"
PASSWORD = "bench-console-lijst-wachtwoord"


# --- the parent: one child per database, then the table ----------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-console-") as data_dir:
        results.append(run_child("SQLite", {"POORTWACHTER_DATA_DIR": data_dir}, args))
    pg = postgres_url()
    if pg:
        results.append(run_child("PostgreSQL", {"POORTWACHTER_DATABASE_URL": pg,
                                                "POORTWACHTER_DATA_DIR": tempfile.mkdtemp(prefix="bench-console-pg-")}, args))
    else:
        print("PostgreSQL: not reachable, skipped (set POORTWACHTER_DATABASE_URL)\n")
    table(results, args.users)


def postgres_url() -> str | None:
    """A URL of the database `bench_console` on the server given or on 127.0.0.1, made afresh."""
    import psycopg

    given = os.environ.get("POORTWACHTER_DATABASE_URL") or PG_DEFAULT
    parts = urlsplit(given.replace("postgres://", "postgresql://", 1))
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as connection:
            connection.execute("DROP DATABASE IF EXISTS bench_console")
            connection.execute("CREATE DATABASE bench_console")
    except Exception as error:  # noqa: BLE001 - a benchmark reports, it does not fail
        print(f"PostgreSQL at {parts.hostname}:{parts.port}: {error}")
        return None
    return urlunsplit(parts._replace(path="/bench_console"))


def run_child(label: str, env: dict, args) -> dict:
    print(f"{label}: creating {args.users} users and measuring ...", flush=True)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("POORTWACHTER_")}
    environment.update(env, POORTWACHTER_MODE="production", PYTHONPATH=str(ROOT / "src"))
    output = subprocess.run([sys.executable, __file__, "--child", label, "--users", str(args.users),
                             "--rounds", str(args.rounds)], env=environment, capture_output=True, text=True)
    line = next((l for l in output.stdout.splitlines() if l.startswith("RESULT ")), None)
    if line is None:
        print(output.stdout[-2000:], output.stderr[-4000:])
        return {"label": label, "error": True}
    return json.loads(line.removeprefix("RESULT "))


def table(results: list[dict], users: int) -> None:
    print(f"\nConsole user list, {users} users in one organisation (ms; median / p90; target < 100)\n")
    header = f"{'case':<34}" + "".join(f"{r['label'] + ' query':>22}{r['label'] + ' page':>22}" for r in results)
    print(header)
    print("-" * len(header))
    cases = next((r["cases"] for r in results if "cases" in r), {})
    for case in cases:
        row = f"{case:<34}"
        for r in results:
            if "cases" not in r:
                row += f"{'error':>22}{'error':>22}"
                continue
            q, p = r["cases"][case]["query"], r["cases"][case]["page"]
            row += f"{q[0]:>14.1f} / {q[1]:<5.1f}{p[0]:>14.1f} / {p[1]:<5.1f}"
        print(row)
    for r in results:
        if "seed_seconds" in r:
            print(f"\n{r['label']}: {r['seed_seconds']:.1f} s to create the users; {r['rows_shown']}")


# --- the child: one database --------------------------------------------------------------------

def child(args) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poortwachter.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS.append("testserver")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    organisation, admin = seed(args.users)
    seeded = time.perf_counter() - started
    cases = measure(organisation, admin, args.rounds)
    print("RESULT " + json.dumps({"label": args.child, "seed_seconds": seeded, "cases": cases,
                                  "rows_shown": "50 rows a page"}))


def seed(count: int):
    """One organisation with `count` users: names, usernames and addresses like people's,
    three statuses, last sign-ins spread over a year, a role each, 2FA for one in twenty."""
    import random
    from datetime import timedelta

    from django.db import transaction

    from poortwachter import clock
    from poortwachter.accounts import identity, services
    from poortwachter.accounts.models import Role, User
    from poortwachter.console.models import TermsAcceptance
    from poortwachter.methods.models import Authenticator
    from poortwachter.operators.terms import current_version
    from poortwachter.tenants.services import create_organisation

    rng = random.Random(7)
    first = ["jan", "piet", "klaas", "anna", "sanne", "emma", "daan", "lotte", "sem", "fleur", "noah", "julia"]
    last = ["jansen", "de vries", "bakker", "visser", "smit", "meijer", "de boer", "mulder", "bos", "vos"]
    organisation = create_organisation("bench", "Bench BV")
    roles = list(Role.objects.filter(organisation=organisation))
    admin = services.create_user(organisation, "beheer@bench.test", username="aaa-beheer", name="Beheer",
                                 roles=["beheerder"], password=PASSWORD)
    version = current_version()
    if version is not None:
        TermsAcceptance.objects.create(user=admin, version=version.version)
    now = clock.now()
    batch = []
    with transaction.atomic():
        for n in range(count):
            given, family = rng.choice(first), rng.choice(last)
            username = f"{given}.{family.replace(' ', '')}{n}"
            email = f"{username}@{rng.choice(['example.nl', 'voorbeeld.nl', 'bedrijf.test'])}"
            status = rng.choices(["active", "pending", "blocked"], [90, 8, 2])[0]
            seen = None if status == "pending" else now - timedelta(minutes=rng.randrange(525_600))
            batch.append(User(organisation=organisation, username=username, email=email,
                              username_key=identity.key(username), email_key=identity.key(email),
                              name=f"{given.title()} {family.title()}", status=status, last_login=seen,
                              password="!" + str(n), created_at=now))
            if len(batch) == 5000:
                User.objects.bulk_create(batch)
                batch = []
        User.objects.bulk_create(batch)
        ids = list(User.objects.filter(organisation=organisation).exclude(pk=admin.pk).values_list("pk", flat=True))
        through = User.roles.through
        through.objects.bulk_create([through(user_id=i, role_id=(roles[0] if i % 17 == 0 else roles[1]).pk)
                                     for i in ids], batch_size=5000)
        Authenticator.objects.bulk_create([Authenticator(organisation=organisation, user_id=i, kind="totp")
                                           for i in ids[::20]], batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what a database that has run for a while knows of its tables
    return organisation, admin


def measure(organisation, admin, rounds: int) -> dict:
    from django.test import Client

    from poortwachter.accounts.models import Role
    from poortwachter.console import user_list
    from poortwachter.tenants import lookup

    beheerder = Role.objects.get(organisation=organisation, name="beheerder")
    middle = user_list.page(organisation, user_list.Filters(), after="m").users[0].username_key
    cases = {
        "first page": ({}, user_list.Filters(), {}),
        "page in the middle (keyset)": ({"after": middle}, user_list.Filters(), {"after": middle}),
        "search 'sanne.' (username)": ({"q": "sanne."}, user_list.Filters(q="sanne."), {}),
        "search 'daan.bos1234' (few hits)": ({"q": "daan.bos1234"}, user_list.Filters(q="daan.bos1234"), {}),
        "search 'zzz' (no hit)": ({"q": "zzz"}, user_list.Filters(q="zzz"), {}),
        "search 'Lotte Bak' (name)": ({"q": "Lotte Bak"}, user_list.Filters(q="Lotte Bak"), {}),
        "status blocked": ({"status": "blocked"}, user_list.Filters(status="blocked"), {}),
        "role beheerder": ({"role": beheerder.pk}, user_list.Filters(role=beheerder.pk), {}),
        "2FA set up": ({"second_step": "on"}, user_list.Filters(second_step="on"), {}),
        "no sign-in in 90 days": ({"signed_in": "not90"}, user_list.Filters(signed_in="not90"), {}),
    }
    client = Client()
    response = client.post("/bench/login", {"identifier": admin.username, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    results = {}
    for name, (query, filters, keyset) in cases.items():
        query_times, page_times = [], []
        for _ in range(rounds):
            lookup.forget()  # no help from the per-process organisation cache
            started = time.perf_counter()
            user_list.page(organisation, filters, **keyset)
            query_times.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            response = client.get("/bench/console/users/", query)
            page_times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.status_code)
        results[name] = {"query": _summary(query_times), "page": _summary(page_times)}
    return results


def _summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]


if __name__ == "__main__":
    main()
