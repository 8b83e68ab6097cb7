"""The worker's side of the reminders (handlers named in `mail.requests.HANDLERS`): look
the address up and queue the e-mail, or do nothing when there is nothing to tell. The page
already answered the same either way.

"Which website?" lists every organisation where the address has an account, whatever the
state of that account or organisation: the sign-in page of that organisation then
explains a block or a missing activation better than a list could, and the list goes only
to the owner of the address. No portal is marked specially."""

from django.urls import reverse

from poortwachter.accounts import identity
from poortwachter.accounts.models import User
from poortwachter.mail import outbox, throttle
from poortwachter.security import audit
from poortwachter.security.audit import Event


def login_link(organisation) -> str:
    """The portal's sign-in page, the address to bookmark; from the public URL."""
    return outbox.public_link(reverse("signin:login", kwargs={"organisation_slug": organisation.slug}))


def send_username_reminder(mail_request) -> None:
    """Mail the username(s) of this address in the request's organisation."""
    organisation = mail_request.organisation
    users = list(User.objects.filter(organisation=organisation, email_key=identity.key(mail_request.value))
                 .order_by("username"))
    if not users:
        return
    first = users[0]
    if not throttle.allow(first.email, organisation):
        return
    outbox.queue("username_reminder", first.email,
                 {"usernames": [user.username for user in users], "name": first.display_name,
                  "login_link": login_link(organisation)},
                 organisation=organisation, language=first.language or mail_request.language)
    audit.record(Event.USERNAME_REMINDER_SENT, organisation=organisation, subject=first, source=mail_request.source)


def send_portal_list(mail_request) -> None:
    """Mail the sign-in pages of every organisation where this address has an account."""
    users = list(User.objects.filter(email_key=identity.key(mail_request.value))
                 .select_related("organisation").order_by("organisation__name", "organisation__slug"))
    if not users:
        return
    to = users[0].email
    if not throttle.allow(to, None):
        return
    portals = [{"name": user.organisation.name, "link": login_link(user.organisation)} for user in users]
    # Not about one account: the language the question was asked in.
    outbox.queue("portal_list", to, {"portals": portals}, organisation=None, language=mail_request.language)
    for user in users:  # each organisation's audit log shows its own part
        audit.record(Event.PORTAL_LIST_SENT, organisation=user.organisation, subject=user, source=mail_request.source)
