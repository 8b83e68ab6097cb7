"""Creating users and setting passwords: one place, used by the CLI, the demo set-up and
(later) the console and activation, so the rules apply everywhere a password is set."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from poortwachter import clock
from poortwachter.accounts import identity, password_rules
from poortwachter.accounts.models import Role, User, UserStatus
from poortwachter.system import sql

USERNAME_MAX = 150


def _valid_username(username: str) -> str:
    username = identity.clean(username)
    if not username or len(username) > USERNAME_MAX or "@" in username or " " in username:
        raise ValidationError(
            _("A username has 1 to 150 characters, without spaces and without “@”.")
        )
    return username


def _valid_email(email: str) -> str:
    email = identity.clean(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(_("“%(email)s” is not a valid e-mail address.") % {"email": email[:100]})
    return email


def _free_username(organisation, wanted: str) -> str:
    base = wanted[:140] or "gebruiker"
    candidate, n = base, 1
    while User.objects.filter(organisation=organisation, username_key=identity.key(candidate)).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


@transaction.atomic
def create_user(organisation, email: str, *, username: str = "", name: str = "",
                roles: list[str] = (), password: str | None = None) -> User:
    """A user with `password` is active at once; without one the user waits for activation."""
    email = _valid_email(email)
    if User.objects.filter(organisation=organisation, email_key=identity.key(email)).exists():
        raise ValidationError(_("This organisation already has a user with that e-mail address."))
    if username:
        username = _valid_username(username)
        if User.objects.filter(organisation=organisation, username_key=identity.key(username)).exists():
            raise ValidationError(_("This organisation already has a user with that username."))
    else:
        username = _free_username(organisation, _valid_username(email.partition("@")[0]))
    found = list(Role.objects.filter(organisation=organisation, name__in=list(roles)))
    missing = set(roles) - {r.name for r in found}
    if missing:
        raise ValidationError(_("Unknown role: %(roles)s.") % {"roles": ", ".join(sorted(missing))})
    user = User(organisation=organisation, email=email, username=username, name=identity.clean(name)[:200])
    if password is None:
        user.set_unusable_password()
    else:
        password_rules.check(password, organisation=organisation, username=username, email=email, name=name)
        user.set_password(password)
        user.status = UserStatus.ACTIVE
        user.activated_at = user.password_changed_at = clock.now()
    user.save()
    user.roles.set(found)
    return user


def set_password(user: User, password: str) -> None:
    """Check the rules, store the new hash and remember when it changed. Every link sent by
    e-mail that is still outstanding dies with the old password."""
    from poortwachter.accounts import tokens

    password_rules.check(password, organisation=user.organisation, username=user.username,
                         email=user.email, name=user.name)
    user.set_password(password)
    user.password_changed_at = clock.now()
    user.save(update_fields=["password", "password_changed_at"])
    tokens.revoke_all(user)
    from poortwachter.security import attempts

    attempts.lift(user)  # a new password ends a lock-out (PRODUCT: "until a password reset")


def find_by_identifier(organisation, identifier: str) -> User | None:
    """The user an e-mail address or username names, in this organisation only. Usernames
    cannot contain "@", so one typed string never names two people."""
    k = identity.key(identifier)
    if not k:
        return None
    # Plain SQL: every sign-in starts here (system.sql).
    field = "email_key" if "@" in k else "username_key"
    user = sql.instance(User, f"SELECT {sql.column_list(User)} FROM {sql.table(User)} "
                              f"WHERE organisation_id = %s AND {field} = %s", [organisation.pk, k])
    if user is not None:
        user.organisation = organisation  # the caller's object, policy already loaded
    return user


def block(user: User, *, reason: str = "", actor=None, request=None) -> None:
    """An administrator blocks the user: every session ends, apps lose their tokens, and
    the reason is what the person reads when they try to sign in."""
    from poortwachter.security import audit
    from poortwachter.security.audit import Event
    from poortwachter.signin.models import end_sessions_of

    user.status = UserStatus.BLOCKED
    user.blocked_reason = identity.clean(reason)[:500]
    user.save(update_fields=["status", "blocked_reason"])
    end_sessions_of(user, "user_blocked")
    audit.record(Event.USER_BLOCKED, request=request, organisation=user.organisation, actor=actor,
                 subject=user, reason=user.blocked_reason[:60])


def unblock(user: User, *, actor=None, request=None) -> None:
    """Back to active, or to pending when the account was never activated."""
    from poortwachter.security import audit
    from poortwachter.security.audit import Event

    user.status = UserStatus.ACTIVE if user.activated_at else UserStatus.PENDING
    user.blocked_reason = ""
    user.save(update_fields=["status", "blocked_reason"])
    audit.record(Event.USER_UNBLOCKED, request=request, organisation=user.organisation, actor=actor, subject=user)


def change_email_by_admin(user: User, new_email: str) -> str:
    """An administrator gives `user` another address at once (the console; Cliendo: "de admin
    kan je e-mailadres aanpassen"). Returns the old address. Links already mailed to the old
    address die with it. The caller tells both addresses and audits."""
    from django.db import IntegrityError

    from poortwachter.accounts import tokens

    new_email = _valid_email(new_email)
    if identity.key(new_email) == user.email_key:
        raise ValidationError(_("This already is the user's e-mail address."))
    taken = User.objects.filter(organisation_id=user.organisation_id, email_key=identity.key(new_email))
    if taken.exclude(pk=user.pk).exists():
        raise ValidationError(_("This organisation already has a user with that e-mail address."))
    old, user.email = user.email, new_email
    try:
        with transaction.atomic():  # the unique constraint settles a race for the same address
            user.save(update_fields=["email"])
    except IntegrityError:
        user.email = old
        raise ValidationError(_("This organisation already has a user with that e-mail address."))
    tokens.revoke_all(user)
    return old


@transaction.atomic
def delete_user(user: User) -> None:
    """Remove the account: its sessions end first (receivers revoke app tokens), then the
    row and everything hanging from it. Audit rows keep their own label of the person."""
    from poortwachter.signin.models import end_sessions_of

    end_sessions_of(user, "user_deleted")
    user.delete()
