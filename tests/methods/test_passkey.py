"""Passkeys (methods.passkey): real WebAuthn answers from a software authenticator, checked
by py_webauthn. The relying party comes from the configured public URL."""

from datetime import timedelta

import pytest

from poortwachter.methods import passkey
from poortwachter.methods.models import Authenticator, Kind
from poortwachter.methods.passkey import Purpose, Refused
from tests import factories
from tests.passkey_device import ORIGIN, PUBLIC_URL, RP_ID, SoftPasskey, registered, unb64

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def public_url(settings):
    settings.PUBLIC_URL = PUBLIC_URL


def prove(user, device, purpose=Purpose.SECOND_STEP, organisation=None, for_user=True, **answer_options):
    session = {}
    options = passkey.authentication_options(session, purpose, user if for_user else None)
    answer = device.get(options, **answer_options)
    return passkey.authenticate(session, purpose, organisation or user.organisation, answer,
                                user=user if for_user else None)


def refusal(call, *args, **kwargs) -> str:
    with pytest.raises(Refused) as refused:
        call(*args, **kwargs)
    return refused.value.reason


def test_relying_party_is_the_public_url_with_its_port(settings):
    assert passkey.relying_party() == (RP_ID, ORIGIN)
    settings.PUBLIC_URL = "http://localhost:8123"
    assert passkey.relying_party() == ("localhost", "http://localhost:8123")
    settings.PUBLIC_URL = "https://login.example.nl:443"
    assert passkey.relying_party() == ("login.example.nl", "https://login.example.nl")


def test_registration_stores_the_key_and_the_options_name_the_organisation(user):
    session = {}
    options = passkey.registration_options(session, user)
    assert options["rp"] == {"id": RP_ID, "name": user.organisation.name}
    assert options["authenticatorSelection"]["residentKey"] == "preferred"
    assert options["attestation"] == "none"
    device = SoftPasskey()
    passkey.register(session, user, device.create(options), "  my   laptop ")
    stored = Authenticator.objects.get(user=user, kind=Kind.PASSKEY)
    assert bytes(stored.credential_id) == device.credential_id
    assert stored.name == "my laptop" and stored.transports == ["internal"]


def test_user_handle_is_stable_and_does_not_show_the_id(user):
    other = factories.user(user.organisation)
    handle = unb64(passkey.registration_options({}, user)["user"]["id"])
    assert handle == passkey.user_handle(user) and len(handle) == 32
    assert handle != passkey.user_handle(other)
    # Made with the server's secret key: knowing the id is not enough to make or read it.
    # (Not "the id's digits are not in it": 32 random bytes hold a given byte one time in eight.)
    assert passkey.user_handle(user, secret="another secret key " * 3) != handle


def test_registration_excludes_the_users_passkeys(user):
    device = registered(user)
    options = passkey.registration_options({}, user)
    assert [unb64(c["id"]) for c in options["excludeCredentials"]] == [device.credential_id]


def test_the_same_credential_cannot_be_registered_twice(user):
    device = registered(user)
    session = {}
    answer = device.create(passkey.registration_options(session, user))
    assert refusal(passkey.register, session, user, answer) == "exists"
    assert passkey.passkeys_of(user).count() == 1


@pytest.mark.parametrize("wrong", [{"origin": "https://evil.example"}, {"rp_id": "evil.example"},
                                   {"origin": "https://login.example.nl:8443"}])
def test_registration_from_another_origin_or_rp_id_is_refused(user, wrong):
    session = {}
    answer = SoftPasskey().create(passkey.registration_options(session, user), **wrong)
    assert refusal(passkey.register, session, user, answer) == "invalid"
    assert not passkey.passkeys_of(user).exists()


def test_a_registered_passkey_proves_the_second_step_and_its_counter_is_kept(user):
    device = registered(user)
    found = prove(user, device)
    assert found.user == user
    stored = Authenticator.objects.get(pk=found.pk)
    assert stored.sign_count == device.counter == 1 and stored.last_used_at is not None


@pytest.mark.parametrize("wrong", [{"origin": "https://evil.example"}, {"rp_id": "evil.example"}])
def test_an_answer_for_another_origin_or_rp_id_is_refused(user, wrong):
    device = registered(user)
    assert refusal(prove, user, device, **wrong) == "invalid"


def test_a_challenge_works_once(user):
    device = registered(user)
    session = {}
    options = passkey.authentication_options(session, Purpose.SECOND_STEP, user)
    answer = device.get(options)
    kept = dict(session)  # as a parallel request holding the old session would see it
    passkey.authenticate(session, Purpose.SECOND_STEP, user.organisation, answer, user=user)
    assert refusal(passkey.authenticate, session, Purpose.SECOND_STEP, user.organisation, answer, user=user) == "challenge"
    assert refusal(passkey.authenticate, kept, Purpose.SECOND_STEP, user.organisation, answer, user=user) == "challenge"


def test_a_challenge_expires_after_five_minutes(user, clock):
    device = registered(user)
    session = {}
    answer = device.get(passkey.authentication_options(session, Purpose.SECOND_STEP, user))
    clock.advance(timedelta(minutes=5, seconds=1))
    assert refusal(passkey.authenticate, session, Purpose.SECOND_STEP, user.organisation, answer, user=user) == "challenge"


def test_a_challenge_for_one_purpose_does_not_serve_another(user):
    device = registered(user)
    session = {}
    answer = device.get(passkey.authentication_options(session, Purpose.REAUTH, user))
    assert refusal(passkey.authenticate, session, Purpose.SECOND_STEP, user.organisation, answer, user=user) == "challenge"


def test_a_counter_that_goes_back_means_a_copied_authenticator(user):
    device = registered(user)
    prove(user, device, counter=5)
    assert refusal(prove, user, device, counter=3) == "counter"
    assert refusal(prove, user, device, counter=5) == "counter"
    assert Authenticator.objects.get(user=user).sign_count == 5
    prove(user, device, counter=6)


def test_an_authenticator_without_a_counter_keeps_working(user):
    device = registered(user)
    prove(user, device, counter=0)
    prove(user, device, counter=0)
    assert Authenticator.objects.get(user=user).sign_count == 0


def test_a_wrong_signature_is_refused(user):
    device = registered(user)
    session = {}
    answer = device.get(passkey.authentication_options(session, Purpose.SECOND_STEP, user))
    answer["response"]["signature"] = SoftPasskey().get({"challenge": "eA"})["response"]["signature"]
    assert refusal(passkey.authenticate, session, Purpose.SECOND_STEP, user.organisation, answer, user=user) == "invalid"


def test_a_passkey_of_organisation_a_is_unknown_at_organisation_b(user):
    device = registered(user)
    other = factories.organisation()
    assert refusal(prove, user, device, purpose=Purpose.SIGNIN, organisation=other, for_user=False) == "unknown_credential"


def test_a_passkey_of_another_user_does_not_prove_this_user(user):
    device = registered(user)
    colleague = factories.user(user.organisation)
    session = {}
    answer = device.get(passkey.authentication_options(session, Purpose.SECOND_STEP, colleague))
    assert refusal(passkey.authenticate, session, Purpose.SECOND_STEP, user.organisation, answer,
                   user=colleague) == "unknown_credential"


def test_passwordless_needs_user_verification_on_the_device(user):
    device = registered(user)
    options = passkey.authentication_options({}, Purpose.SIGNIN)
    assert options["userVerification"] == "required" and options["allowCredentials"] == []
    assert refusal(prove, user, device, purpose=Purpose.SIGNIN, for_user=False, verified=False) == "invalid"
    assert prove(user, device, purpose=Purpose.SIGNIN, for_user=False).user == user


def test_passwordless_refuses_a_user_handle_of_someone_else(user):
    device = registered(user)
    device.user_handle = passkey.user_handle(factories.user(user.organisation))
    assert refusal(prove, user, device, purpose=Purpose.SIGNIN, for_user=False) == "user_handle"


@pytest.mark.parametrize("answer", [{}, {"rawId": 5}, {"rawId": "!!!", "response": "x"},
                                    {"id": "AA", "rawId": "AA", "type": "public-key", "response": {}}])
def test_malformed_answers_are_refused_not_crashed(user, answer):
    registered(user)
    session = {}
    passkey.authentication_options(session, Purpose.SECOND_STEP, user)
    with pytest.raises(Refused):
        passkey.authenticate(session, Purpose.SECOND_STEP, user.organisation, answer, user=user)
    session = {}
    passkey.registration_options(session, user)
    assert refusal(passkey.register, session, user, answer) == "invalid"
