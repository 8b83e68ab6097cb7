"""The CAPTCHA (security/captcha.py): an ALTCHA proof of work, accepted once, only for the
organisation that issued it, only before it expires; anything else is refused without a
crash. Also the challenge endpoint the widget fetches, the field on the login page in
Dutch and English, and the vendored widget files."""

import base64
import hashlib
import json
import threading
from datetime import timedelta
from pathlib import Path

import altcha
import pytest
from django.db import connections
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.test import RequestFactory
from django.utils import translation

from poortwachter.security import captcha
from tests import factories
from tests.captcha_solver import easy_captcha, payload, solve  # noqa: F401 (fixture)
from tests.signin.helpers import login

pytestmark = pytest.mark.usefixtures("easy_captcha")

STATIC = Path(captcha.__file__).resolve().parents[1] / "static" / "altcha"


def decoded(value: str) -> dict:
    return json.loads(base64.b64decode(value))


def encoded(data) -> str:
    return base64.b64encode(json.dumps(data).encode()).decode()


# --- verify ---------------------------------------------------------------------------------

def test_solved_challenge_is_accepted_once_and_its_replay_refused(org):
    answer = solve(None, org)
    assert captcha.verify(org, answer) is True
    assert captcha.verify(org, answer) is False


@pytest.mark.django_db(transaction=True)
def test_same_answer_sent_at_once_from_many_threads_is_accepted_once():
    # Each thread has its own connection to the shared counters (the database here), as
    # separate worker processes would. Under lock contention an answer may be refused
    # (fail closed), but never accepted twice and never with an exception.
    org = factories.organisation()
    answer = solve(None, org)
    results, barrier = [], threading.Barrier(8)

    def send():
        barrier.wait()
        results.append(captcha.verify(org, answer))
        connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    # Accepted exactly once over all tries (a refused-under-contention answer stays usable).
    assert results.count(True) + captcha.verify(org, answer) == 1


def test_each_challenge_is_new_so_a_second_solution_is_accepted(org):
    assert captcha.verify(org, solve(None, org))
    assert captcha.verify(org, solve(None, org))


def test_solution_for_another_organisation_is_refused_there_and_still_works_at_home(org):
    other = factories.organisation()
    answer = solve(None, org)
    assert captcha.verify(other, answer) is False
    assert captcha.verify(org, answer) is True


def test_solution_expires_after_ten_minutes_on_the_clock(org, clock):
    late, in_time = solve(None, org), solve(None, org)
    clock.advance(timedelta(minutes=9, seconds=50))
    assert captcha.verify(org, in_time) is True
    clock.advance(timedelta(seconds=10))
    assert captcha.verify(org, late) is False


def test_challenge_expiry_follows_the_clock(org, clock):
    clock.advance(timedelta(days=2))
    before = clock.timestamp()
    made = captcha.challenge(org)
    # The real clock still runs under the offset: a second may begin between the two reads.
    assert before + 600 <= made["parameters"]["expiresAt"] <= clock.timestamp() + 600


def test_tampered_signature_is_refused(org):
    data = decoded(solve(None, org))
    signature = data["challenge"]["signature"]
    data["challenge"]["signature"] = ("0" if signature[0] != "0" else "1") + signature[1:]
    assert captcha.verify(org, encoded(data)) is False


@pytest.mark.parametrize("field, value", [
    ("expiresAt", 4102444800),       # a longer life
    ("keyPrefix", "00"),            # an easier puzzle
    ("cost", 1),
    ("keySignature", "ab" * 32),
])
def test_tampered_parameters_are_refused(org, field, value):
    data = decoded(solve(None, org))
    data["challenge"]["parameters"][field] = value
    assert captcha.verify(org, encoded(data)) is False


def test_wrong_answer_is_refused_and_does_not_use_up_the_challenge(org):
    right = solve(None, org)
    data = decoded(right)
    data["solution"]["derivedKey"] = "00" * 32
    assert captcha.verify(org, encoded(data)) is False
    assert captcha.verify(org, right) is True


def test_challenge_signed_with_the_secret_key_itself_is_refused(org, settings):
    made = altcha.create_challenge(captcha.ALGORITHM, captcha.ITERATIONS, counter=3,
                                   expires_at=4102444800, hmac_secret=settings.SECRET_KEY,
                                   hmac_key_secret=settings.SECRET_KEY)
    solution = altcha.solve_challenge(made)
    assert captcha.verify(org, payload(made.to_dict(), solution)) is False


def test_widget_test_mode_payload_is_refused(org):
    # What the widget sends with `test: true`: no challenge, no solution.
    assert captcha.verify(org, encoded({"challenge": None, "solution": None, "test": True})) is False


GARBAGE = [
    "",
    "x",
    "!!!!",
    "a" * 10_000,
    "é" * 300,
    "\x00" * 20,
    base64.b64encode(b"not json").decode(),
    base64.b64encode(b"\xff\xfe\xfd").decode(),
    encoded([1, 2, 3]),
    encoded("a string"),
    encoded({}),
    encoded({"challenge": {}, "solution": {}}),
    encoded({"challenge": {"parameters": None, "signature": "ab"}, "solution": {"counter": 1}}),
    encoded({"challenge": {"parameters": {"algorithm": "SHA-256", "nonce": "zz", "salt": "zz", "cost": 1,
                                          "expiresAt": "soon"}, "signature": "ab"},
             "solution": {"counter": 1, "derivedKey": "00"}}),
    encoded({"challenge": {"parameters": {"algorithm": "SHA-256", "nonce": "00", "salt": "00", "cost": 10 ** 12,
                                          "expiresAt": 4102444800, "data": {"__proto__": 1}},
                           "signature": "ab"},
             "solution": {"counter": -1, "derivedKey": ["00"]}}),
    # The v1 format (algorithm/challenge/number/salt/signature) is not ours.
    encoded({"algorithm": "SHA-256", "challenge": "ab", "number": 1, "salt": "s", "signature": "ab"}),
    base64.b64encode(b"[" * 5000 + b"]" * 5000).decode()[:4000],
]


@pytest.mark.parametrize("garbage", GARBAGE)
def test_garbage_is_refused_without_an_exception(org, garbage):
    assert captcha.verify(org, garbage) is False


def test_truncated_and_oversized_real_answers_are_refused(org):
    answer = solve(None, org)
    assert captcha.verify(org, answer[: len(answer) // 2]) is False
    assert captcha.verify(org, answer[:-1]) is False
    assert captcha.verify(org, answer + " " * 10_000) is False
    assert captcha.verify(org, answer) is True  # none of that used it up


def test_non_string_payloads_are_refused(org):
    for value in (None, 12, b"bytes", ["list"]):
        assert captcha.verify(org, value) is False


def test_difficulty_follows_the_setting(org, settings):
    settings.CAPTCHA_MAX_NUMBER = 5
    counters = {decoded(solve(None, org))["solution"]["counter"] for _ in range(10)}
    assert counters <= set(range(6))


def test_default_difficulty_when_not_configured(settings):
    del settings.CAPTCHA_MAX_NUMBER
    assert captcha.max_number() == captcha.DEFAULT_MAX_NUMBER


# --- the challenge endpoint -------------------------------------------------------------------

def test_challenge_endpoint_returns_a_fresh_uncached_challenge(client, org):
    response = client.get(f"/{org.slug}/captcha/challenge")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    body = response.json()
    assert set(body) == {"parameters", "signature"}
    assert body["parameters"]["algorithm"] == "PBKDF2/SHA-256"
    assert body["parameters"]["keySignature"] and body["parameters"]["expiresAt"]
    assert client.get(f"/{org.slug}/captcha/challenge").json() != body


def test_answer_to_an_endpoint_challenge_is_accepted(client, org):
    assert captcha.verify(org, solve(client, org)) is True


def test_challenge_endpoint_of_unknown_organisation_is_404(client, db):
    assert client.get("/bestaat-niet/captcha/challenge").status_code == 404


def test_challenge_endpoint_takes_only_get(client, org):
    assert client.post(f"/{org.slug}/captcha/challenge").status_code == 405


# --- the field on the page ----------------------------------------------------------------

def render_field(org, language):
    request = RequestFactory().get(f"/{org.slug}/login")
    request.organisation = org
    with translation.override(language):
        return render_to_string("security/captcha_field.html",
                                {"organisation": org, "LANGUAGE_CODE": language}, request=request)


def test_field_renders_the_widget_with_dutch_texts(org):
    html = render_field(org, "nl")
    assert '<altcha-widget name="altcha"' in html and 'language="nl"' in html
    assert f'challenge="/{org.slug}/captcha/challenge"' in html
    assert 'data-text-label="Ik ben geen robot"' in html
    assert "Beveiligingscontrole" in html and "<noscript>" in html
    assert 'src="/static/altcha/altcha.min.js"' in html and 'src="/static/altcha/captcha.js"' in html
    assert 'data-worker="/static/altcha/pbkdf2-worker.js"' in html


def test_field_renders_english_texts_on_an_english_page(org):
    html = render_field(org, "en")
    assert 'language="en"' in html and 'data-text-label="I am not a robot"' in html
    assert "Security check" in html


def test_field_explains_the_check_to_people_without_javascript(org):
    # Checked in the HTML: Chromium under Playwright renders no <noscript>, even with
    # scripts switched off.
    html = render_field(org, "nl")
    noscript = html[html.index("<noscript>"):html.index("</noscript>")]
    assert "Voor deze beveiligingscontrole is JavaScript nodig." in noscript


def test_no_inline_script_or_style_in_the_field(org):
    html = render_field(org, "nl")
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert html.count("<script ") == html.count('<script type="module" src=')


def fail_three_times(client, org, user, **extra):
    for _ in range(3):
        response = login(client, org, user.username, "verkeerd-wachtwoord", **extra)
    return response


def test_login_page_shows_the_widget_in_dutch_after_three_failures(client, org, user):
    html = fail_three_times(client, org, user).content.decode()
    assert "<altcha-widget" in html and 'language="nl"' in html
    assert 'data-text-verified="Controle gelukt"' in html


def test_login_page_shows_the_widget_in_english_with_lang_en(client, org, user):
    client.get(f"/{org.slug}/login?lang=en")
    html = fail_three_times(client, org, user).content.decode()
    assert "<altcha-widget" in html and 'language="en"' in html
    assert 'data-text-verified="Check done"' in html


def test_solved_captcha_lets_the_right_password_in(client, org, user):
    fail_three_times(client, org, user)
    response = client.post(f"/{org.slug}/login", {"identifier": user.username, "password": factories.PASSWORD,
                                                  "altcha": solve(client, org)})
    assert response.status_code == 302 and "_auth_user_id" in client.session


# --- the vendored widget -----------------------------------------------------------------------

def test_vendored_widget_files_are_intact_and_licensed():
    for line in (STATIC / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((STATIC / name).read_bytes()).hexdigest() == digest, name
    assert "MIT License" in (STATIC / "LICENSE.txt").read_text()
    version = (STATIC / "VERSION").read_text().strip()
    script = Path(__file__).resolve().parents[2] / "scripts" / "update-altcha-widget.sh"
    assert f'VERSION="${{1:-{version}}}"' in script.read_text()


@pytest.mark.parametrize("name", ["altcha.min.js", "captcha.js", "pbkdf2-worker.js", "altcha.css", "captcha.css"])
def test_widget_files_are_served_from_our_own_static_files(client, name):
    response = client.get(static(f"altcha/{name}"))
    assert response.status_code == 200
    expected = "text/css" if name.endswith(".css") else "text/javascript"
    assert response["Content-Type"].startswith(expected)
