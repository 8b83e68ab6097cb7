"""Finding the organisation of a request by its slug, the first thing every portal page
does. Each process keeps what it found for two seconds: building the query (with the
policy joined) costs more than the rest of a signed-in page. A change made in this process
is seen at once (the cache is dropped on save); other processes see it within the TTL —
a suspension or a policy change takes effect everywhere within two seconds."""

import time

from django.db.models.signals import post_delete, post_save

from poortwachter.system import sql
from poortwachter.tenants.models import Organisation
from poortwachter.tenants.policy import Policy

TTL_SECONDS = 2.0
_found: dict[str, tuple[float, Organisation]] = {}


def by_slug(slug: str) -> Organisation | None:
    now = time.monotonic()
    hit = _found.get(slug)
    if hit is None or now - hit[0] > TTL_SECONDS:
        organisation = Organisation.objects.select_related("policy").filter(slug=slug).first()
        if organisation is None:
            return None  # unknown slugs are not remembered: they cannot fill the memory
        hit = _found[slug] = (now, organisation)
    # Each request gets its own copy: whatever a request changes stays with that request.
    return _copy(hit[1])


def _copy(organisation: Organisation) -> Organisation:
    """A copy of the organisation and its policy. Their field values are immutable (text,
    numbers, dates), so copying the two objects' attributes is enough; copy.copy (Django's
    pickling protocol) cost more than the rest of the lookup, a deep copy a fifth of a
    signed-in page."""
    mine, policy = sql.copy_of(organisation), sql.copy_of(organisation.policy)
    policy._state.fields_cache = {"organisation": mine}
    mine._state.fields_cache = {"policy": policy}
    return mine


def forget(**kwargs) -> None:
    _found.clear()


for model in (Organisation, Policy):
    post_save.connect(forget, sender=model, dispatch_uid=f"tenants.lookup.{model.__name__}.save")
    post_delete.connect(forget, sender=model, dispatch_uid=f"tenants.lookup.{model.__name__}.delete")
