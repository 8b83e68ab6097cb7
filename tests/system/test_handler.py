"""The WSGI handler gunicorn serves remembers where a path leads (system/handler.py). What a
person must never notice: one request's match leaking into another's, a 404 that becomes a
page, or memory that grows with every address an attacker makes up."""

import io

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from poortwachter.system import handler as handler_module
from poortwachter.wsgi import application
from tests import factories


def _get(path: str, wsgi=application) -> tuple[int, bytes]:
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
               "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1:8000", "wsgi.url_scheme": "http",
               "REMOTE_ADDR": "127.0.0.1", "wsgi.input": io.BytesIO(), "SERVER_PROTOCOL": "HTTP/1.1"}
    answer = {}
    body = b"".join(wsgi(environ, lambda status, headers, exc=None: answer.update(status=status)))
    return int(answer["status"][:3]), body


@pytest.fixture
def fresh():
    """A handler of its own, so no other test's paths are remembered. Like Django's test
    client, the test keeps its database connection across requests (the connection holds
    the test's transaction; at the end of a request Django would close it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield handler_module.Handler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_each_request_gets_its_own_organisation_from_a_remembered_path(db, fresh):
    a, b = factories.organisation(name="Bakkerij Alfa"), factories.organisation(name="Garage Beta")
    for _ in range(3):  # the middleware takes the slug out of each match: the next must still have it
        for org, other in ((a, b), (b, a)):
            status, body = _get(f"/{org.slug}/login", fresh)
            assert status == 200
            assert org.name.encode() in body and other.name.encode() not in body
    assert set(fresh._known) == {f"/{a.slug}/login", f"/{b.slug}/login"}


def test_a_path_that_leads_nowhere_stays_a_404_and_is_not_remembered(db, fresh):
    for _ in range(2):
        assert _get("/geen-organisatie/nergens/heen", fresh)[0] == 404
    assert fresh._known == {}


def test_the_memory_is_bounded(db, fresh, monkeypatch):
    org = factories.organisation()
    monkeypatch.setattr(handler_module, "MAX_PATHS", 3)
    paths = [f"/{org.slug}/login", f"/{org.slug}/", "/healthz", f"/{org.slug}/dashboard", "/readyz"]
    for path in paths:
        _get(path, fresh)
        assert len(fresh._known) <= 3
    assert _get(f"/{org.slug}/login", fresh)[0] == 200  # forgotten paths resolve again


def test_gunicorn_serves_the_remembering_handler():
    assert isinstance(application, handler_module.Handler)


def test_the_served_application_keeps_its_start_up_objects_out_of_the_collector():
    import gc

    import poortwachter.wsgi  # noqa: F401  (what gunicorn imports in each worker)

    assert gc.get_freeze_count() > 10_000
