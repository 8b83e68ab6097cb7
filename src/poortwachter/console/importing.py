"""Bulk import of users from CSV: columns e-mail, name, username, role (a header row
names them in any order, in English or Dutch; without one this order is assumed). UTF-8
with or without BOM, separated by `;` (Dutch Excel) or `,`.

A dry run goes through exactly the same rules as the real run (services.create_user in a
transaction that is rolled back), so it finds every error a real run would, and sends no
mail. The real run is one transaction: if any row is wrong nothing is created; otherwise
every user is created and gets the welcome e-mail."""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from poortwachter.accounts import services
from poortwachter.security import audit
from poortwachter.security.audit import Event
from poortwachter.signin.activation import flow as activation

MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024
COLUMNS = ("email", "name", "username", "role")
HEADER_NAMES = {
    "email": "email", "e-mail": "email", "e-mailadres": "email", "emailadres": "email", "e-mail address": "email",
    "name": "name", "naam": "name",
    "username": "username", "gebruikersnaam": "username",
    "role": "role", "rol": "role", "roles": "role", "rollen": "role",
}


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)
    refused: str = ""  # the file as a whole cannot be read


class _DryRun(Exception):
    pass


def read(data: bytes) -> tuple[list[tuple[int, dict]], str]:
    """(line number, row) pairs, or an error message for the whole file."""
    if len(data) > MAX_BYTES:
        return [], _("The file is too large: at most 2 MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    lines = [(n, cells) for n, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1)
             if any(c.strip() for c in cells)]
    columns, header = COLUMNS, lines[0][1] if lines else []
    if header and all(c.strip().lower() in HEADER_NAMES for c in header if c.strip()) \
            and "email" in {HEADER_NAMES.get(c.strip().lower()) for c in header}:
        columns = tuple(HEADER_NAMES.get(c.strip().lower(), "") for c in header)
        lines = lines[1:]
    if not lines:
        return [], _("The file contains no users.")
    if len(lines) > MAX_ROWS:
        return [], _("The file has %(rows)d users; at most %(max)d can be imported at once. Split it into "
                     "several files.") % {"rows": len(lines), "max": MAX_ROWS}
    return [(n, {col: cells[i].strip() if i < len(cells) else "" for i, col in enumerate(columns) if col})
            for n, cells in lines], ""


def run(request, data: bytes, *, dry_run: bool) -> Outcome:
    rows, refused = read(data)
    outcome = Outcome(rows=len(rows), refused=refused)
    if refused:
        return outcome
    try:
        with transaction.atomic():
            created = _create_all(request, rows, outcome)
            if outcome.errors or dry_run:
                raise _DryRun  # roll back: nothing of a dry run or a file with errors stays
            for user in created:
                activation.send_welcome(user, language=request.LANGUAGE_CODE)
            audit.record(Event.USERS_IMPORTED, request=request, actor=request.user, reason=f"{len(created)} users")
            outcome.created = len(created)
    except _DryRun:
        pass
    return outcome


def _create_all(request, rows, outcome: Outcome) -> list:
    created = []
    for number, row in rows:
        roles = [r.strip() for r in row.get("role", "").split("|") if r.strip()]
        try:
            with transaction.atomic():  # a refused row leaves the others usable
                user = services.create_user(request.organisation, row.get("email", ""),
                                            username=row.get("username", ""), name=row.get("name", ""),
                                            roles=roles)
        except ValidationError as error:
            outcome.errors.append((number, " ".join(error.messages)))
            continue
        user.organisation = request.organisation
        audit.record(Event.USER_CREATED, request=request, actor=request.user, subject=user, reason="import")
        created.append(user)
    return created
