"""Recovery codes: ten, shown once, stored hashed, single use, the owner is told."""

from poortwachter.mail.models import OutboxMessage
from poortwachter.methods import recovery_codes
from poortwachter.methods.models import RecoveryCode


def test_ten_codes_are_made_and_only_hashes_are_stored(user):
    codes = recovery_codes.generate(user)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = list(RecoveryCode.objects.filter(user=user).values_list("digest", flat=True))
    assert len(stored) == 10 and not any(c.replace("-", "") in d for c in codes for d in stored)


def test_a_code_works_once_and_the_owner_is_told(user):
    code = recovery_codes.generate(user)[3]
    assert recovery_codes.use(user, code.upper().replace("-", " "))
    assert not recovery_codes.use(user, code)
    assert recovery_codes.remaining(user) == 9
    mail = OutboxMessage.objects.get(to=user.email, template="recovery_code_used")
    assert "9" in mail.text_body


def test_new_codes_end_the_old_ones(user):
    old = recovery_codes.generate(user)
    recovery_codes.generate(user)
    assert not recovery_codes.use(user, old[0])


def test_a_code_of_another_user_does_not_work(user, org):
    from tests import factories

    other = factories.user(org)
    code = recovery_codes.generate(other)[0]
    recovery_codes.generate(user)
    assert not recovery_codes.use(user, code)
