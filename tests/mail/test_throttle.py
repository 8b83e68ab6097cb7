"""Nobody can mail-bomb an address or flood through one organisation."""

from datetime import timedelta

import pytest

from poortwachter.mail import throttle

pytestmark = pytest.mark.django_db


def test_five_mails_per_address_per_hour(org, clock):
    assert [throttle.allow("Doel@Example.nl", org) for _ in range(6)] == [True] * 5 + [False]
    assert throttle.allow("ＤＯＥＬ@example.nl ", org) is False  # the same address, typed otherwise
    assert throttle.allow("ander@example.nl", org) is True
    clock.advance(timedelta(hours=1))
    assert throttle.allow("doel@example.nl", org) is True


def test_organisation_wide_limit(org, settings):
    settings.MAIL_PER_ORGANISATION_HOUR = 3
    assert [throttle.allow(f"p{i}@example.nl", org) for i in range(4)] == [True, True, True, False]
