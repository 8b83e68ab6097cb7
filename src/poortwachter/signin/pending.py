"""The page of a step opens only for a pending sign-in whose current step it is. Any other
visitor goes where they belong: the login page, or the step that comes first. Every step
page reads its user here, in plain SQL (system.sql)."""

from django.shortcuts import redirect
from django.urls import reverse

from poortwachter.accounts.models import User
from poortwachter.signin import steps
from poortwachter.signin.record import PendingSignin
from poortwachter.system import sql


def at_step(request, step_name: str):
    """(pending, user, None) on the right page; (None, None, redirect) otherwise."""
    from poortwachter.signin import flow

    organisation = request.organisation
    pending = PendingSignin.load(request.session, organisation)
    user = sql.instance(User, f"SELECT {sql.column_list(User)} FROM {sql.table(User)} WHERE id = %s "
                              f"AND organisation_id = %s", [pending.user_id, organisation.pk]) if pending else None
    if user is None:
        return None, None, redirect(reverse("signin:login", kwargs={"organisation_slug": organisation.slug}))
    user.organisation = organisation
    step = steps.first_needed(user, pending)
    if step is None:  # nothing left to do (e.g. after the recovery codes were shown)
        return None, None, redirect(flow.continue_pending(request, pending, user).go_to)
    if step.name != step_name:
        return None, None, redirect(reverse(step.url_name, kwargs={"organisation_slug": organisation.slug}))
    return pending, user, None
