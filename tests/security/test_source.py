"""The source address: X-Forwarded-For is believed only from configured trusted proxies."""

import ipaddress

import pytest
from django.test import RequestFactory

from poortwachter.security.source import source_address


@pytest.fixture
def proxies(settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/8")]


def address(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return source_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_untrusted_peer_cannot_claim_another_address(proxies):
    assert address("203.0.113.9", "198.51.100.1") == "203.0.113.9"


def test_trusted_proxy_gives_the_client_address(proxies):
    assert address("10.0.0.2", "198.51.100.1") == "198.51.100.1"


def test_client_cannot_prepend_a_spoofed_hop(proxies):
    # The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the real address.
    assert address("10.0.0.2", "1.2.3.4, 198.51.100.1") == "198.51.100.1"


def test_chain_of_trusted_proxies_is_walked_from_the_right(proxies):
    assert address("10.0.0.2", "198.51.100.1, 10.0.0.7") == "198.51.100.1"


@pytest.mark.parametrize("garbage", ["", "not-an-ip", "999.1.1.1", ",,,", "198.51.100.1 junk"])
def test_garbage_header_falls_back_to_the_peer(proxies, garbage):
    assert address("10.0.0.2", garbage) == "10.0.0.2"


def test_without_configured_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert address("127.0.0.1", "198.51.100.1") == "127.0.0.1"
