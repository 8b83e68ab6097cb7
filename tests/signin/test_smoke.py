from tests import factories


def test_right_password_signs_in(client, org):
    u = factories.user(org, username="bob")
    r = client.post(f"/{org.slug}/login", {"identifier": "bob", "password": factories.PASSWORD})
    assert r.status_code == 302, r.content.decode()[:2000]
