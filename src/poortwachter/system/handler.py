"""The WSGI handler gunicorn serves (wsgi.py): Django's, remembering where each path leads.

Django resolves every request's path from the top of the URL tree: the root patterns, then
`/<slug>/` and one include after the other until a pattern matches. For the token endpoint
or the login page that is eight nested resolvers, 30-80 µs a request (bench/ measures the
requests where it weighs most). A path always leads to the same view with the same
arguments, so each process remembers the match of the paths it has resolved and hands every
request its own copy: middleware may change a match's arguments
(tenants/middleware.py takes `organisation_slug` out of them).

Only matches are remembered, never a 404, and at most MAX_PATHS paths (then it starts
again), so a stream of made-up addresses costs what it cost before and cannot fill the
memory. A request that sets its own `urlconf` is resolved the ordinary way."""

from django.core.handlers.wsgi import WSGIHandler
from django.urls import ResolverMatch, get_resolver

MAX_PATHS = 2000
MAX_PATH_LENGTH = 300


class Handler(WSGIHandler):
    def __init__(self):
        super().__init__()
        self._known: dict[str, tuple[object, ResolverMatch]] = {}

    def resolve_request(self, request):
        if hasattr(request, "urlconf"):
            return super().resolve_request(request)
        resolver, path = get_resolver(), request.path_info
        known = self._known.get(path)
        if known is None or known[0] is not resolver:  # new, or the URLconf changed (tests)
            match = resolver.resolve(path)  # Resolver404 goes up as before, unremembered
            if len(path) <= MAX_PATH_LENGTH:
                if len(self._known) >= MAX_PATHS:
                    self._known.clear()
                self._known[path] = (resolver, match)
                match = _copy(match)
        else:
            match = _copy(known[1])
        request.resolver_match = match
        return match


def _copy(match: ResolverMatch) -> ResolverMatch:
    """A match of its own, whose arguments can change without touching the remembered one."""
    copy = object.__new__(ResolverMatch)
    copy.__dict__.update(match.__dict__)
    copy.args, copy.kwargs = tuple(match.args), dict(match.kwargs)
    copy.captured_kwargs = dict(match.captured_kwargs or {})
    copy.extra_kwargs = dict(match.extra_kwargs or {})
    return copy
