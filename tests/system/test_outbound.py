"""Requests to addresses an organisation chose reach only the public internet, unless the
operator allowed a network (system/outbound.py): the server-side request forgery an
organisation's admin would try with a back-channel logout URI."""

import pytest

from poortwachter.system import outbound


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.9.9.9", "::1", "0.0.0.0", "::", "10.1.2.3", "172.16.0.1", "192.168.1.1",
    "169.254.169.254",  # a cloud's metadata service
    "100.64.0.1", "fc00::1", "fe80::1", "224.0.0.1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "255.255.255.255",
])
def test_addresses_outside_the_public_internet_are_refused(address, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    assert not outbound.permitted(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "1.1.1.1"])
def test_public_addresses_are_permitted(address, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    assert outbound.permitted(address)


def test_the_operator_may_allow_a_network_of_their_own(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert outbound.permitted("10.20.30.40") and not outbound.permitted("192.168.1.1")


@pytest.mark.parametrize("uri, why", [
    ("http://127.0.0.1:6379/", "not a public address"),
    ("http://localhost/backchannel", "not a public address"),
    ("http://2130706433/", "not a public address"),  # 127.0.0.1 written as one number
    ("http://0x7f.1/", "not a public address"),
    ("ftp://example.nl/", "only http"),
    ("https://user:pw@example.nl/", "only http"),
    ("https://example.nl:99999/", "bad port"),
    ("https://name.invalid/", "cannot resolve"),
])
def test_a_refused_address_is_never_connected_to(uri, why, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    with pytest.raises(outbound.Refused, match=why):
        outbound.post_form(uri, {"logout_token": "x"}, timeout=2)
