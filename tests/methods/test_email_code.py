"""Codes by e-mail like AB-123456 (q1000): one hour, once, five wrong tries."""

import re
from datetime import timedelta

import pytest

from poortwachter.mail.models import OutboxMessage
from poortwachter.methods import email_code
from poortwachter.methods.email_code import Result


def _sent(user) -> str:
    email_code.send(user)
    body = OutboxMessage.objects.filter(to=user.email, template="email_code").latest("id").text_body
    return re.search(r"\b([A-Z]{2}-\d{6})\b", body).group(1)


def test_the_code_has_two_letters_a_dash_and_six_digits_and_the_letters_are_shown(user):
    code = _sent(user)
    assert re.fullmatch(r"[A-Z]{2}-\d{6}", code)
    assert email_code.shown(user).letters == code[:2]


@pytest.mark.parametrize("typing", [lambda c: c, lambda c: c.lower(), lambda c: c[3:], lambda c: " " + c[:2] + " " + c[3:6] + " " + c[6:] + " ", lambda c: c.replace("-", "")])
def test_case_spaces_and_the_letters_and_dash_do_not_matter(user, typing):
    code = _sent(user)
    assert email_code.verify(user, typing(code)) == Result.OK


def test_a_code_works_once(user):
    code = _sent(user)
    assert email_code.verify(user, code) == Result.OK
    assert email_code.verify(user, code) == Result.DEAD


def test_a_code_dies_after_the_policys_hour(user, clock):
    code = _sent(user)
    clock.advance(timedelta(minutes=60, seconds=1))
    assert email_code.verify(user, code) == Result.DEAD


def test_five_wrong_tries_kill_the_code_even_for_the_right_one_after(user):
    code = _sent(user)
    wrong = f"{code[:3]}{(int(code[3:]) + 1) % 10**6:06d}"
    results = [email_code.verify(user, wrong) for _ in range(5)]
    assert results == [Result.WRONG] * 4 + [Result.DEAD]
    assert email_code.verify(user, code) == Result.DEAD


def test_the_wrong_letters_with_the_right_digits_are_wrong(user):
    code = _sent(user)
    other = "ZZ" if code[:2] != "ZZ" else "YY"
    assert email_code.verify(user, other + code[2:]) == Result.WRONG


@pytest.mark.parametrize("typed", ["AB-12345O", "ABC-123456", "", "x" * 10000, "12-345678", "AB-1234567"])
def test_malformed_input_counts_no_try(user, typed):
    _sent(user)
    assert email_code.verify(user, typed) == Result.MALFORMED
    assert email_code.live(user).tries_left == 5


def test_a_new_code_ends_the_older_one(user, clock):
    first = _sent(user)
    clock.advance(timedelta(minutes=2))
    second = _sent(user)
    assert email_code.verify(user, first) in (Result.WRONG, Result.DEAD)
    assert email_code.verify(user, second) == Result.OK


def test_a_new_code_is_throttled_to_one_a_minute_and_the_mail_limit_an_hour(user, clock, settings):
    settings.MAIL_PER_RECIPIENT_HOUR = 5
    clock.advance(timedelta(seconds=3600 - clock.timestamp() % 3600 + 1))  # all within one hour window
    allowed = []
    for _ in range(8):
        allowed.append(email_code.may_send(user))
        if allowed[-1]:
            email_code.send(user)
        assert not email_code.may_send(user)  # at once again: too soon
        clock.advance(timedelta(seconds=61))
    assert allowed == [True] * 5 + [False] * 3
