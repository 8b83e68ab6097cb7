"""The operator's `poortwachter` commands (cli.COMMAND_MODULES): createoperator, listorgs,
failedmail, publishterms. `createorg`, `setstatus` and `retrymail` live in cli.py; all of
them use the same services as the operator console. Output is Dutch like the rest of the
CLI; errors are a ValidationError (one line on stderr, exit code 2, nothing changed)."""

import sys


def createoperator(args) -> None:
    from django.core.exceptions import ValidationError

    from poortwachter.operators.accounts import create_operator

    password = _read_password(args.password_stdin)
    try:
        operator = create_operator(args.name, password)
    except ValidationError as error:
        raise ValidationError(" ".join(error.messages))  # one line, even when several rules fail
    print(f"Operator aangemaakt: {operator.name}. Aanmelden op /_operator/login")


def _read_password(from_stdin: bool) -> str:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("Wachtwoord: ")
    if getpass.getpass("Wachtwoord nogmaals: ") != first:
        raise ValidationError(_("The two passwords are not the same."))
    return first


def listorgs(args) -> None:
    from poortwachter.operators.organisations import overview

    rows = [("slug", "status", "proef tot", "gebruikers", "naam")]
    for o in overview():
        rows.append((o.slug, o.status, o.trial_ends_on.isoformat() if o.trial_ends_on else "-",
                     str(o.user_count), o.name))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(value.ljust(width) for value, width in zip(row, widths)) + "  " + row[4])


def failedmail(args) -> None:
    from poortwachter.operators.failed_mail import failed_messages

    messages = list(failed_messages())
    for m in messages:
        organisation = m.organisation.slug if m.organisation else "-"
        print(f"{m.id}\t{m.created_at:%Y-%m-%d %H:%M}\t{organisation}\t{m.to}\t{m.attempts} pogingen\t"
              f"{m.subject}\t{m.last_error}")
    print(f"{len(messages)} mislukt(e) bericht(en). Opnieuw versturen: poortwachter retrymail [ID]")


def publishterms(args) -> None:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from poortwachter.operators import terms

    if args.file:
        try:
            with open(args.file, encoding="utf-8") as handle:
                text = handle.read(terms.MAX_LENGTH + 1)
        except (OSError, UnicodeDecodeError) as error:
            raise ValidationError(_("Cannot read %(path)s: %(error)s") % {"path": args.file,
                                                                          "error": getattr(error, "strerror", None) or error})
    else:
        text = sys.stdin.read(terms.MAX_LENGTH + 1)
    published = terms.publish(text, operator_name="cli")
    print(f"Gebruiksvoorwaarden versie {published.version} gepubliceerd; elke beheerder accepteert ze "
          f"bij het volgende bezoek aan de console.")


def add_commands(sub) -> None:
    s = sub.add_parser("createoperator", help="create an operator account for the operator console (/_operator/)")
    s.add_argument("name")
    s.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    s.set_defaults(run=createoperator)

    sub.add_parser("listorgs", help="list the organisations with status and number of users").set_defaults(run=listorgs)

    sub.add_parser("failedmail", help="list e-mail that failed after the last attempt").set_defaults(run=failedmail)

    s = sub.add_parser("publishterms", help="publish a new version of the terms of service")
    s.add_argument("--file", help="read the text from this file (default: standard input)")
    s.set_defaults(run=publishterms)
