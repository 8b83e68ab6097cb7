"""Audit events: one typed row for every security-relevant event, written in the same
transaction as the change it records."""

from django.db import models

from poortwachter import clock
from poortwachter.security.source import source_address
from poortwachter.system import sql


class Event(models.TextChoices):
    SIGNIN_SUCCEEDED = "signin.succeeded"
    SIGNIN_FAILED = "signin.failed"
    SIGNIN_REFUSED = "signin.refused"  # password right, but organisation or user blocked
    SIGNOUT = "signout"
    CAPTCHA_DEMANDED = "captcha.demanded"
    ACCOUNT_LOCKED = "account.locked"
    ACCOUNT_UNLOCKED = "account.unlocked"
    SESSION_EXPIRED = "session.expired"
    PASSWORD_CHANGED = "password.changed"
    PASSWORD_RESET_SENT = "password_reset.sent"
    PASSWORD_RESET_DONE = "password_reset.done"
    ACTIVATION_SENT = "activation.sent"
    ACCOUNT_ACTIVATED = "account.activated"
    MAGIC_LINK_SENT = "magic_link.sent"
    USERNAME_REMINDER_SENT = "username_reminder.sent"
    PORTAL_LIST_SENT = "portal_list.sent"
    EMAIL_CHANGE_REQUESTED = "email.change_requested"
    EMAIL_CHANGED = "email.changed"
    USER_CREATED = "user.created"
    # Second step (methods/, signin/second_step).
    SECOND_STEP_SUCCEEDED = "second_step.succeeded"
    SECOND_STEP_FAILED = "second_step.failed"
    SECOND_STEP_ADDED = "second_step.added"
    SECOND_STEP_REMOVED = "second_step.removed"
    EMAIL_CODE_SENT = "email_code.sent"
    RECOVERY_CODES_CREATED = "recovery_codes.created"
    RECOVERY_CODE_USED = "recovery_code.used"
    REAUTHENTICATED = "reauth.succeeded"
    REAUTH_FAILED = "reauth.failed"
    PASSWORD_SET_BY_ADMIN = "password.set_by_admin"
    USER_BLOCKED = "user.blocked"
    USER_UNBLOCKED = "user.unblocked"
    # Console (administrators of an organisation).
    TERMS_ACCEPTED = "terms.accepted"
    USER_DELETED = "user.deleted"
    USER_ROLES_CHANGED = "user.roles_changed"
    USER_SECOND_STEP_REQUIRED = "user.second_step_required"
    USERS_IMPORTED = "users.imported"
    SESSION_ENDED = "session.ended"
    ROLE_CREATED = "role.created"
    ROLE_CHANGED = "role.changed"
    ROLE_DELETED = "role.deleted"
    POLICY_CHANGED = "policy.changed"
    BRANDING_CHANGED = "branding.changed"
    AUDIT_EXPORTED = "audit.exported"
    ORGANISATION_CREATED = "organisation.created"
    ORGANISATION_STATUS_CHANGED = "organisation.status_changed"
    OIDC_AUTHORIZED = "oidc.authorized"  # a person was sent back to an app with a code
    OIDC_CODE_REPLAYED = "oidc.code_replayed"  # a code used twice: its tokens were revoked
    OIDC_REFRESH_REPLAYED = "oidc.refresh_replayed"  # an old refresh token: the chain was revoked
    OIDC_APP_CREATED = "oidc.app_created"
    OIDC_APP_CHANGED = "oidc.app_changed"
    OIDC_APP_DELETED = "oidc.app_deleted"
    OIDC_SECRET_ROTATED = "oidc.secret_rotated"
    OIDC_KEYS_ROTATED = "oidc.keys_rotated"
    # The operator (operators/): AuditEvent.actor is an organisation user, so the operator
    # is named in subject_label as "operator:<name>".
    OPERATOR_CREATED = "operator.created"
    OPERATOR_SIGNIN_SUCCEEDED = "operator.signin_succeeded"
    OPERATOR_SIGNIN_FAILED = "operator.signin_failed"
    OPERATOR_LOCKED = "operator.locked"
    OPERATOR_SIGNOUT = "operator.signout"
    OPERATOR_SESSION_EXPIRED = "operator.session_expired"
    OPERATOR_ORGANISATION_CREATED = "operator.organisation_created"
    OPERATOR_STATUS_CHANGED = "operator.status_changed"
    OPERATOR_MAIL_RETRIED = "operator.mail_retried"
    OPERATOR_TERMS_PUBLISHED = "operator.terms_published"


class AuditEvent(models.Model):
    organisation = models.ForeignKey("tenants.Organisation", null=True, on_delete=models.CASCADE, related_name="+")
    # No `choices=` here: every new event would otherwise need a migration. `record` only
    # accepts members of `Event`.
    type = models.CharField(max_length=40)
    actor = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    # What was typed or named when there is no user row (an unknown identifier).
    subject_label = models.CharField(max_length=254, blank=True)
    reason = models.CharField(max_length=60, blank=True)
    source = models.GenericIPAddressField(null=True)
    user_agent = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=clock.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "type", "at"]),
            # One organisation's log by time, without a sort (audit_log.query).
            models.Index(fields=["organisation", "at"], name="audit_organisation_at"),
        ]


def record(type: Event, *, request=None, organisation=None, actor=None, subject=None,
           subject_label: str = "", reason: str = "", source: str | None = None) -> AuditEvent:
    """`source` names the address when there is no request (the worker acting on a
    recorded mail request)."""
    type = Event(type)  # an unknown event name is a programming error, not a new kind of row
    if organisation is None:
        organisation = getattr(request, "organisation", None)
    row = {
        "organisation_id": organisation.pk if organisation is not None else None,
        "type": type.value,
        "actor_id": actor.pk if actor is not None else None,
        "subject_id": subject.pk if subject is not None else None,
        "subject_label": subject_label[:254],
        "reason": reason,
        "source": source_address(request) if request is not None else source,
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else "",
        "at": clock.now(),
    }
    # Plain SQL, no model instance on the way in: every sign-in writes one (system.sql).
    written = {**row, "source": sql.prepared(AuditEvent, "source", row["source"]), "at": sql.at(row["at"])}
    row["id"] = sql.value(sql.insert_into(AuditEvent, tuple(row), "RETURNING id"), list(written.values()))
    return sql.built(AuditEvent, row)
