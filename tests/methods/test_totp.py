"""Authenticator app codes: RFC 6238, 6 digits, 30 s, one step of drift, each code once."""

from datetime import timedelta

import pyotp
import pytest

from poortwachter.methods import totp
from poortwachter.methods.models import Authenticator
from tests.second_step import code_now, set_up_app


def test_the_current_code_is_accepted_once_and_then_never_again(user):
    secret = set_up_app(user)
    code = code_now(secret)
    assert totp.verify(user, code)
    assert not totp.verify(user, code)


@pytest.mark.parametrize("steps", [-1, 1])
def test_a_code_one_step_early_or_late_is_accepted(user, clock, steps):
    secret = set_up_app(user)
    clock.advance(timedelta(seconds=90))  # past the set-up step
    assert totp.verify(user, code_now(secret, steps))


@pytest.mark.parametrize("steps", [-2, 2])
def test_a_code_two_steps_away_is_refused(user, clock, steps):
    secret = set_up_app(user)
    clock.advance(timedelta(seconds=120))
    assert not totp.verify(user, code_now(secret, steps))


def test_an_older_code_is_refused_after_a_newer_one_was_used(user, clock):
    secret = set_up_app(user)
    clock.advance(timedelta(seconds=60))
    assert totp.verify(user, code_now(secret, 1))
    assert not totp.verify(user, code_now(secret, 0))


def test_the_set_up_code_cannot_be_used_again_to_sign_in(user):
    secret = totp.new_secret()
    code = code_now(secret)
    assert totp.confirm(user, secret, code)
    assert not totp.verify(user, code)


@pytest.mark.parametrize("typed", [" 123 456 ", "123-456"])
def test_spaces_and_dashes_around_the_digits_are_ignored(user, typed):
    assert totp.normalise(typed) == "123456"


@pytest.mark.parametrize("typed", ["12345", "1234567", "12345a", "abcdef", "١٢٣٤٥٦", "1" * 10000, ""])
def test_anything_but_six_digits_is_not_a_code(typed):
    assert totp.normalise(typed) is None


def test_the_key_is_stored_encrypted(user):
    secret = set_up_app(user)
    stored = Authenticator.objects.get(user=user).secret
    assert secret not in stored and len(stored) > 50


def test_a_wrong_set_up_code_sets_nothing_up(user):
    secret = totp.new_secret()
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 1) % 10**6:06d}"
    assert totp.confirm(user, secret, wrong) is None
    assert not Authenticator.objects.filter(user=user).exists()


def test_the_qr_code_is_an_svg_without_script_or_style(user):
    svg = totp.qr_svg(totp.provisioning_uri(totp.new_secret(), user))
    assert svg.startswith("<svg") and "<script" not in svg and "style=" not in svg
