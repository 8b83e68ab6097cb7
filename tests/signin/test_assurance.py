"""What apps will see of how a person proved who they are (amr, acr)."""

import pytest

from poortwachter.signin import assurance


@pytest.mark.parametrize("methods, amr, acr", [
    (["pwd"], ["pwd"], assurance.ACR_SINGLE),
    (["email"], ["email"], assurance.ACR_SINGLE),
    (["pwd", "email"], ["pwd", "email"], assurance.ACR_EMAIL),
    (["pwd", "otp"], ["pwd", "otp", "mfa"], assurance.ACR_MFA),
    (["email", "otp"], ["email", "otp", "mfa"], assurance.ACR_MFA),
    (["pwd", "hwk"], ["pwd", "hwk", "mfa"], assurance.ACR_PHISHING_RESISTANT),
    (["hwk"], ["hwk", "mfa"], assurance.ACR_PHISHING_RESISTANT),
    (["pwd", "otp", "mfa", "otp"], ["pwd", "otp", "mfa"], assurance.ACR_MFA),
])
def test_amr_and_acr_follow_the_methods_used(methods, amr, acr):
    assert assurance.amr_for(methods) == amr
    assert assurance.acr({"amr": assurance.amr_for(methods)}) == acr
