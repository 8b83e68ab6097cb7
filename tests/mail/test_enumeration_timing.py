"""Timing: the e-mail forms answer as fast for an unknown address as for a known one.
The page only records the request (mail.requests), so both cases do the same work; many
samples, compared by their medians, must not tell the two apart. The two kinds take turns,
so a machine that slows down half-way slows both alike."""

import statistics
import time

import pytest

from poortwachter.mail.requests import MailRequest
from tests import factories

pytestmark = pytest.mark.django_db
SAMPLES = 60


def _medians_ms(client, path, field, values) -> list[float]:
    """The median time of each value's POST, the values taking turns."""
    times = [[] for _ in values]
    for _ in range(SAMPLES):
        for value, taken in zip(values, times):
            start = time.perf_counter()
            response = client.post(path, {field: value})
            taken.append((time.perf_counter() - start) * 1000)
            assert response.status_code in (200, 302)
    return [statistics.median(taken) for taken in times]


@pytest.mark.parametrize("form,field", [
    ("password/forgot", "identifier"), ("username/forgot", "email"), ("login/link", "identifier"),
])
def test_known_and_unknown_addresses_take_the_same_time(client, org, settings, form, field):
    settings.MAIL_PER_RECIPIENT_HOUR = 10_000
    factories.user(org, email="bekend@example.nl")
    path = f"/{org.slug}/{form}"
    _medians_ms(client, path, field, ["opwarmen@example.nl"])  # warm up caches and templates
    known, unknown = _medians_ms(client, path, field, ["bekend@example.nl", "onbekend@example.nl"])
    # The same work either way: medians within 25 % (and 2 ms) of each other.
    assert abs(known - unknown) <= max(2.0, 0.25 * min(known, unknown)), (known, unknown)
    assert MailRequest.objects.filter(value="bekend@example.nl").count() == SAMPLES  # really sent


def test_which_website_takes_the_same_time(client, org):
    factories.user(org, email="bekend@example.nl")
    _medians_ms(client, "/", "email", ["opwarmen@example.nl"])
    known, unknown = _medians_ms(client, "/", "email", ["bekend@example.nl", "onbekend@example.nl"])
    assert abs(known - unknown) <= max(2.0, 0.25 * min(known, unknown)), (known, unknown)
