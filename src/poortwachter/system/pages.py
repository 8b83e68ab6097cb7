"""`pages.render(request, template_name, holes)`: a whole page whose only per-person parts are
a few named values (its holes) and the CSRF token.

The template engine renders such a page once per process for each template, language,
organisation (its address and its look, console.branding) and address of the page (the
language links keep the query string), with unguessable markers where the holes and the
token go. Every later request only fills the markers in: the person's values escaped, a
freshly masked CSRF token. Django's engine costs a few hundred microseconds a page on a small
machine (extends, blocks, context processors), more than the session, the user and the
organisation lookup together (bench/: signed-in page beside /healthz); filling costs a few.

The rule that keeps this correct: such a template shows nothing per person except
`{{ holes.<name> }}` and `{% csrf_token %}`, used as they are (no filters that change them;
every hole the view fills must be shown).
It cannot break the rule unnoticed: while it is rendered, `user`, `csp_nonce`, and everything
on `request` and `organisation` but their address, raise `FrozenPageError` when used, so the
page fails in every test instead of showing one person's data to another. Pages with forms
or lists per person render the ordinary way; their frame still comes from `{% memo %}`.

A full store starts again empty, so a visitor who varies the query string costs at worst a
render, never memory."""

import html
import secrets

from django.conf import settings
from django.http import HttpResponse
from django.template import loader
from django.utils import translation

from poortwachter.system import csrf

LIMIT = 512
# Per process and random, so nothing a visitor types (a query string, a name) can pose as one.
_MARK = "hole" + secrets.token_hex(12)
_CSRF = "csrf token"  # the hole of the CSRF token; a space, so no template hole is named so

_rendered: dict[tuple, tuple[tuple[str, ...], bool]] = {}


class FrozenPageError(RuntimeError):
    """A page rendered with holes used something per person or per request."""


class _Forbidden:
    """Stands in for a value a page with holes must not show; any use raises."""

    def __init__(self, name: str):
        object.__setattr__(self, "_name", name)

    def _refuse(self, *args, **kwargs):
        raise FrozenPageError(
            f"{object.__getattribute__(self, '_name')} is per person or per request: a page "
            "rendered by system.pages may show it only through a hole"
        )

    __getattr__ = __getitem__ = __str__ = __html__ = __bool__ = __iter__ = __len__ = __eq__ = _refuse
    __hash__ = None


class _Only(_Forbidden):
    """An object of which only the named attributes may be used (the key holds them)."""

    def __init__(self, name: str, source, allowed: tuple[str, ...]):
        super().__init__(name)
        for attribute in allowed:
            object.__setattr__(self, attribute, getattr(source, attribute))

    def __getitem__(self, item):
        raise TypeError  # the template engine then tries the attribute, which is checked


def _frozen(request, template_name: str, names: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
    """The page rendered once with markers, split into literal text (even places) and hole
    names (odd places); and whether it holds the CSRF token."""
    markers = {name: f"{_MARK}{i}{_MARK}" for i, name in enumerate((_CSRF, *names))}
    context = {
        "holes": {name: markers[name] for name in names},
        "csrf_token": markers[_CSRF],
        "user": _Forbidden("user"),
        "csp_nonce": _Forbidden("csp_nonce"),
        "request": _Only("request", request, ("path", "get_full_path")),
        "organisation": _Only("organisation", request.organisation, ("id", "slug", "portal_path")),
    }
    text = loader.get_template(template_name).render(context, request)
    by_marker = {marker: name for name, marker in markers.items()}
    parts: list[str] = []
    while (start := text.find(_MARK)) >= 0:
        end = text.find(_MARK, start + len(_MARK)) + len(_MARK)
        name = by_marker.get(text[start:end]) if end >= len(_MARK) else None
        if name is None:
            raise FrozenPageError(f"{template_name}: a filter changed a hole or cut it off")
        parts += (text[:start], name)
        text = text[end:]
    parts.append(text)
    # A filter that changes a marker (|upper, |truncatechars) leaves no trace to split on:
    # every hole the view fills must therefore be found, or the page is refused.
    if missing := set(names) - set(parts[1::2]):
        raise FrozenPageError(f"{template_name}: holes {sorted(missing)} changed by a filter or not shown")
    return tuple(parts), _CSRF in parts[1::2]


def render(request, template_name: str, holes: dict[str, str] | None = None) -> HttpResponse:
    """The page for this request: from the store, or rendered once and stored."""
    from poortwachter.console import branding

    holes = holes or {}
    organisation = request.organisation
    key = (template_name, translation.get_language(), organisation.id, organisation.portal_path,
           branding.for_organisation(organisation).key, request.path, request.META.get("QUERY_STRING", ""),
           tuple(sorted(holes)))
    found = _rendered.get(key)
    if found is None:
        found = _frozen(request, template_name, key[-1])
        if len(_rendered) >= LIMIT:
            _rendered.clear()
        if not settings.DEBUG:  # while developing, an edited template shows at once
            _rendered[key] = found
    parts, with_token = found
    values = {name: html.escape(str(value)) for name, value in holes.items()}  # Django's escape, unwrapped
    if with_token:
        values[_CSRF] = csrf.token(request, renew=False)
    return HttpResponse("".join(part if i % 2 == 0 else values[part] for i, part in enumerate(parts)))
