"""`poortwachter` command line: serve, worker, migrate, createorg, createuser, resendactivation,
setstatus, unlock, retrymail, audit, pruneaudit.
Errors are one clear line on stderr and exit code 2; nothing half-done is left behind."""

import argparse
import os
import sys
from datetime import date


def _setup(data_dir: str | None) -> None:
    if data_dir:
        os.environ["POORTWACHTER_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poortwachter.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.utils import translation

    translation.activate(os.environ.get("POORTWACHTER_CLI_LANGUAGE", settings.LANGUAGE_CODE))


def migrate(args) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    print("Database bijgewerkt.")


def createorg(args) -> None:
    from poortwachter.tenants.services import create_organisation

    organisation = create_organisation(args.slug, args.name)
    print(f"Organisatie aangemaakt: {organisation.slug} ({organisation.name})")


def createuser(args) -> None:
    from django.db import transaction

    from poortwachter.accounts.services import create_user
    from poortwachter.signin.activation.flow import send_welcome
    from poortwachter.tenants.services import get_organisation

    organisation = get_organisation(args.organisation)
    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else None
    # The user and their welcome e-mail are kept together, or neither.
    with transaction.atomic():
        user = create_user(organisation, args.email, username=args.username or "", name=args.name or "",
                           roles=args.role or [], password=password)
        if password is None:
            send_welcome(user)
    state = "actief" if password is not None else "wacht op activering; welkomstmail met activatielink verstuurd"
    print(f"Gebruiker aangemaakt: {user.username} <{user.email}> ({state})")


def resendactivation(args) -> None:
    from poortwachter.signin.activation.flow import resend_welcome
    from poortwachter.tenants.services import get_organisation

    user = resend_welcome(get_organisation(args.organisation), args.email)
    print(f"Nieuwe welkomstmail met activatielink verstuurd naar {user.email}; eerdere links werken niet meer.")


def setstatus(args) -> None:
    from poortwachter.tenants.services import get_organisation, set_status

    organisation = get_organisation(args.organisation)
    set_status(organisation, args.status, args.until, args.message)
    print(f"Status van {organisation.slug}: {organisation.status}")


def worker(args) -> None:
    from poortwachter.mail import worker as mail_worker

    mail_worker.run(once=args.once)


def retrymail(args) -> None:
    from poortwachter.mail.delivery import retry_failed

    print(f"Opnieuw in de wachtrij: {retry_failed(args.id)} bericht(en).")


def unlock(args) -> None:
    from poortwachter.accounts.services import find_by_identifier
    from poortwachter.signin import lockout
    from poortwachter.tenants.services import get_organisation
    from django.core.exceptions import ValidationError

    organisation = get_organisation(args.organisation)
    user = find_by_identifier(organisation, args.user)
    if user is None:
        raise ValidationError(f"Geen gebruiker „{args.user}” in {organisation.slug}.")
    lockout.lift(user)
    print(f"Blokkade opgeheven voor {user.username}.")


def audit(args) -> None:
    from django.core.exceptions import ValidationError

    from poortwachter.accounts.services import find_by_identifier
    from poortwachter.security import audit_log
    from poortwachter.tenants.services import get_organisation

    organisation = get_organisation(args.organisation) if args.organisation else None
    user = None
    if args.user is not None:
        if organisation is None:
            raise ValidationError("Noem bij --user ook de organisatie: poortwachter audit ORG --user ….")
        user = find_by_identifier(organisation, args.user)
        if user is None:
            raise ValidationError(f"Geen gebruiker „{args.user}” in {organisation.slug}.")
    types = audit_log.event_types(args.type) if args.type else None
    since, until = audit_log.time_range(args.since, args.until)
    events = audit_log.query(organisation=organisation, user=user, types=types, since=since, until=until)
    if args.output is None:
        audit_log.export_jsonl(events, sys.stdout)
        return
    count = _write_file(args.output, lambda stream: audit_log.export_jsonl(events, stream))
    print(f"{count} auditgebeurtenis(sen) geschreven naar {args.output}.")


def _write_file(path: str, write) -> int:
    """Write to a temporary file beside `path` (mode 0600) and move it into place, so a
    failed export never leaves half a file."""
    import contextlib
    import tempfile

    from django.core.exceptions import ValidationError

    def unwritable(error: OSError) -> ValidationError:
        why = {FileNotFoundError: "die map bestaat niet", PermissionError: "geen toestemming",
               IsADirectoryError: "dat is een map"}.get(type(error), error.strerror or str(error))
        return ValidationError(f"Kan {path} niet schrijven: {why}.")

    try:
        stream = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=os.path.dirname(os.path.abspath(path)),
                                             prefix=".audit-", delete=False)
    except OSError as error:
        raise unwritable(error)
    try:
        with stream:
            count = write(stream)
        os.replace(stream.name, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(stream.name)
        if isinstance(error, OSError):
            raise unwritable(error)
        raise
    return count


def pruneaudit(args) -> None:
    from poortwachter.security import audit_log

    days = audit_log.retention_days()
    if days <= 0:
        print("Geen bewaartermijn ingesteld (POORTWACHTER_AUDIT_RETENTION_DAYS ≤ 0): niets verwijderd.")
        return
    print(f"{audit_log.prune()} auditgebeurtenis(sen) ouder dan {days} dagen verwijderd.")


def serve(args) -> None:
    from poortwachter import server

    server.serve(host=args.host, port=args.port)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"geen datum (JJJJ-MM-DD): {value!r}")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="poortwachter", description="Poortwachter: aanmelden voor organisaties.")
    p.add_argument("--data-dir", help="data directory (default $POORTWACHTER_DATA_DIR or ./var)")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="migrate, set up the demo (demo mode) and serve with gunicorn")
    s.add_argument("--host", default=os.environ.get("POORTWACHTER_HOST", "127.0.0.1"))
    s.add_argument("--port", type=int, default=int(os.environ.get("POORTWACHTER_PORT", "8000")))
    s.set_defaults(run=serve)

    sub.add_parser("migrate", help="create or update the database").set_defaults(run=migrate)

    s = sub.add_parser("worker", help="deliver the e-mail outbox (serve starts one)")
    s.add_argument("--once", action="store_true", help="deliver what is due now, then stop")
    s.set_defaults(run=worker)

    s = sub.add_parser("retrymail", help="put failed e-mail back in the outbox queue")
    s.add_argument("id", nargs="?", type=int, help="one message id (default: every failed message)")
    s.set_defaults(run=retrymail)

    s = sub.add_parser("createorg", help="create an organisation")
    s.add_argument("slug")
    s.add_argument("--name", required=True)
    s.set_defaults(run=createorg)

    s = sub.add_parser("createuser", help="create a user (without a password: pending activation)")
    s.add_argument("organisation")
    s.add_argument("email")
    s.add_argument("--username")
    s.add_argument("--name")
    s.add_argument("--role", action="append", help="role name; may be given more than once")
    s.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    s.set_defaults(run=createuser)

    s = sub.add_parser("resendactivation", help="send a new welcome e-mail; older activation links stop working")
    s.add_argument("organisation")
    s.add_argument("email")
    s.set_defaults(run=resendactivation)

    s = sub.add_parser("unlock", help="lift a user's lock-out after too many failed sign-ins")
    s.add_argument("organisation")
    s.add_argument("user", help="username or e-mail address")
    s.set_defaults(run=unlock)

    s = sub.add_parser("audit", help="print audit events as JSON lines, oldest first")
    s.add_argument("organisation", nargs="?", help="organisation short name (default: every organisation)")
    s.add_argument("--user", help="only events by or about this user (username or e-mail; needs ORG)")
    s.add_argument("--type", action="append", help="event type, e.g. signin.failed or signin.*; may be repeated")
    s.add_argument("--since", help="from this moment: YYYY-MM-DD or YYYY-MM-DDTHH:MM (local time)")
    s.add_argument("--until", help="before this moment; a bare date includes that whole day")
    s.add_argument("--output", help="write to this file instead of standard output")
    s.set_defaults(run=audit)

    s = sub.add_parser("pruneaudit", help="delete audit events older than the retention period (the worker does it hourly)")
    s.set_defaults(run=pruneaudit)

    s = sub.add_parser("setstatus", help="set an organisation's status")
    s.add_argument("organisation")
    s.add_argument("status", help="trial, active, blocked_payment, cancelled or suspended")
    s.add_argument("--until", type=_date, help="end date of a trial (YYYY-MM-DD)")
    s.add_argument("--message", help="the message its users read when sign-in is refused (\"\": the standard text)")
    s.set_defaults(run=setstatus)

    # Each part that brings its own commands has a `commands.py` with `add_commands(sub)`;
    # its functions import models only when they run (Django is set up by then).
    import importlib

    for module in COMMAND_MODULES:
        importlib.import_module(module).add_commands(sub)
    return p


COMMAND_MODULES = ["poortwachter.methods.commands", "poortwachter.operators.commands", "poortwachter.oidc.commands"]


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # serve's own host and port make the default public URL (links, issuer).
    if args.command == "serve" and not os.environ.get("POORTWACHTER_PUBLIC_URL"):
        os.environ["POORTWACHTER_PUBLIC_URL"] = f"http://{args.host}:{args.port}"
    _setup(args.data_dir)
    from django.core.exceptions import ValidationError

    try:
        args.run(args)
    except ValidationError as error:
        for message in error.messages:
            print(f"poortwachter: {message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
