"""The second step as a whole: which methods an organisation allows, whether a user must
have one, which of the user's methods may finish a sign-in, and switching them off.

A user who set up a second step is always asked for one. When none of their methods is
allowed any more (the organisation switched that kind off) the sign-in leads them to set up
an allowed one; it never falls back to the password alone. Ory Kratos's "highest available
assurance" computed the level from the methods currently enabled and so skipped a
configured factor (CVE-2024-45042); here the configured factor decides."""

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse

from poortwachter import clock
from poortwachter.accounts.models import Role, User
from poortwachter.methods.models import Authenticator, Kind, RecoveryCode
from poortwachter.security import audit
from poortwachter.security.audit import Event
from poortwachter.system import sql
from poortwachter.tenants.policy import TwoFactor

# AMR values (RFC 8176) that are a second factor of their own; "email" proves only the mailbox.
STRONG_AMR = {"otp", "hwk"}
FACTOR_AMR = STRONG_AMR | {"email"}


def allowed_kinds(policy) -> list[str]:
    kinds = []
    if policy.allow_totp:
        kinds.append(Kind.TOTP)
    if policy.allow_passkey:
        kinds.append(Kind.PASSKEY)
    if policy.allow_email_code:
        kinds.append(Kind.EMAIL)
    return kinds


def is_required(user) -> bool:
    """The organisation demands it of everyone, of one of the user's roles, or an
    administrator demands it of this user."""
    rule = user.organisation.policy.two_factor
    return (user.second_step_required or rule == TwoFactor.EVERYONE
            or (rule == TwoFactor.ROLES and _has_role_requiring_it(user)))


def _has_role_requiring_it(user) -> bool:
    return sql.value(f"SELECT 1 FROM {sql.table(Role)} r JOIN {sql.table(User.roles.through)} ur "
                     f"ON ur.role_id = r.id WHERE ur.user_id = %s AND r.requires_second_step LIMIT 1",
                     [user.pk]) is not None


def kinds_set_up(user) -> set[str]:
    """Read once per user object: the steps ask several times during one sign-in (in plain
    SQL: every sign-in asks, system.sql)."""
    held = getattr(user, "_kinds_set_up", None)
    if held is None:
        held = user._kinds_set_up = {kind for (kind,) in sql.rows(
            f"SELECT kind FROM {sql.table(Authenticator)} WHERE user_id = %s", [user.pk])}
    return held


def forget_kinds(user) -> None:
    """After a method was added or removed on this user object."""
    user.__dict__.pop("_kinds_set_up", None)


def usable_kinds(user, amr: list[str], set_up: set[str] | None = None) -> list[str]:
    """The user's methods that may finish this sign-in: set up, allowed, and not a second
    proof of the same mailbox (after a magic link an e-mail code adds nothing)."""
    set_up = kinds_set_up(user) if set_up is None else set_up
    return [k for k in allowed_kinds(user.organisation.policy)
            if k in set_up and not (k == Kind.EMAIL and "email" in amr)]


def proven(amr: list[str]) -> bool:
    """The sign-in already holds a second proof besides the first."""
    return len(set(amr) & FACTOR_AMR) + ("pwd" in amr) >= 2 or "hwk" in amr


def step_needed(user, amr: list[str]) -> bool:
    """The second-step page: the user has a method that can be used now."""
    if proven(amr):
        return False
    set_up = kinds_set_up(user)
    return bool(set_up) and bool(usable_kinds(user, amr, set_up))


def setup_needed(user, amr: list[str]) -> bool:
    """The set-up page before the session: required (or configured but no longer
    allowed) and nothing usable set up."""
    if proven(amr):
        return False
    set_up = kinds_set_up(user)
    if usable_kinds(user, amr, set_up):
        return False
    return bool(set_up) or is_required(user)


def annotate_has_second_step(queryset):
    return queryset.annotate(has_second_step=Exists(Authenticator.objects.filter(user=OuterRef("pk"))))


def remove(user, authenticator_id: int, *, request=None) -> bool:
    """The person removes one of their methods; recovery codes go with the last one."""
    with transaction.atomic():
        deleted, _ = Authenticator.objects.filter(user=user, pk=authenticator_id).delete()
        forget_kinds(user)
        if not deleted:
            return False
        if not Authenticator.objects.filter(user=user).exists():
            RecoveryCode.objects.filter(user=user).delete()
        audit.record(Event.SECOND_STEP_REMOVED, request=request, organisation=user.organisation,
                     actor=user, subject=user)
    return True


@transaction.atomic
def remove_all(user, *, actor=None, request=None, reason: str = "admin") -> int:
    """Switch every second step of the user off (an administrator; the seeds)."""
    deleted, _ = Authenticator.objects.filter(user=user).delete()
    forget_kinds(user)
    RecoveryCode.objects.filter(user=user).delete()
    audit.record(Event.SECOND_STEP_REMOVED, request=request, organisation=user.organisation,
                 actor=actor, subject=user, reason=reason)
    return deleted


@transaction.atomic
def set_password_by_admin(user, password: str, *, actor=None, request=None, send_password: bool = True) -> None:
    """The console's "set a new password and send it": the seeds say this switches the
    user's second step off. Every session and app token of the user ends; the user gets an
    e-mail (with the password when the administrator chose to send it)."""
    from poortwachter.accounts import services
    from poortwachter.mail import outbox
    from poortwachter.signin.models import end_sessions_of

    services.set_password(user, password)
    remove_all(user, actor=actor, request=request, reason="password_set_by_admin")
    end_sessions_of(user, "password_set_by_admin")
    audit.record(Event.PASSWORD_SET_BY_ADMIN, request=request, organisation=user.organisation,
                 actor=actor, subject=user)
    login = outbox.public_link(reverse("signin:login", kwargs={"organisation_slug": user.organisation.slug}))
    outbox.queue("password_set_by_admin", user.email,
                 {"user": user, "password": password if send_password else "", "login_link": login,
                  "when": clock.now()},
                 organisation=user.organisation, language=user.language)
