"""`poortwachter serve`: prepare the database, set up the demo in demo mode, print where to
go, then hand over to gunicorn (several worker processes; nothing is kept in one process
that another needs)."""

import os
import sys

from django.conf import settings


def banner(url: str) -> str:
    from poortwachter.tenants import demo

    lines = ["", f"Poortwachter draait op {url}/", ""]
    if settings.DEMO_MODE:
        lines.append(f"Demo-organisatie: {url}/{demo.SLUG}/login")
        for username, email, _name, role, password in demo.ACCOUNTS:
            lines.append(f"  {role:<11} gebruikersnaam {username:<11} ({email})  wachtwoord {password}")
        lines.append(f"Demo-app (OpenID Connect): {url}/_demo-app/")
        lines.append("")
    return "\n".join(lines)


def serve(host: str, port: int) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    if settings.DEMO_MODE:
        from poortwachter.tenants.demo import ensure_demo

        ensure_demo()
    print(banner(settings.PUBLIC_URL), flush=True)
    argv = [
        sys.executable, "-m", "gunicorn", "poortwachter.wsgi:application",
        "--bind", f"{host}:{port}",
        "--workers", str(settings.WORKERS),
        "--worker-class", "gthread" if settings.THREADS > 1 else "sync",
        "--threads", str(settings.THREADS),
        "--forwarded-allow-ips", ",".join(str(n) for n in settings.TRUSTED_PROXIES) or "127.0.0.1",
        "--access-logfile", os.environ.get("POORTWACHTER_ACCESS_LOG", "-"),
        "--timeout", "30", "--graceful-timeout", "10", "--keep-alive", "5",
        "--no-control-socket",  # several instances (tests, benchmarks) run side by side
        "--config", "python:poortwachter.gunicorn_hooks",  # starts the outbox worker beside
    ]
    os.execv(sys.executable, argv)
