"""Writing e-mail into the outbox. Call `queue` inside the transaction of the action that
causes the message: both are kept, or neither."""

from functools import cache

from django.conf import settings
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import translation

from poortwachter.mail.models import OutboxMessage


def queue(template: str, to: str, context: dict, *, organisation=None, language: str = "") -> OutboxMessage:
    """Render `mail/<template>.{subject.txt,txt,html}` in the recipient's language and store it.
    Links in `context` must already be absolute, built with `public_link`."""
    language = language or settings.LANGUAGE_CODE
    context = {"organisation": organisation, "public_url": settings.PUBLIC_URL, "brand": _brand(organisation), **context}
    with translation.override(language):
        subject = " ".join(_plain(f"mail/{template}.subject.txt", context).split())
        text = _plain(f"mail/{template}.txt", context)
        html = render_to_string(f"mail/{template}.html", context)
    return OutboxMessage.objects.create(
        organisation=organisation, template=template, to=to, subject=subject[:300],
        text_body=text, html_body=html, language=language,
    )


def _brand(organisation):
    """The organisation's display name and accent colour (console.branding) for the mail."""
    if organisation is None:
        return None
    from poortwachter.console import branding

    return branding.for_organisation(organisation)


@cache
def _plain_engine() -> Engine:
    # Subjects and text parts are not HTML: "Bakker & Zn" must not become "Bakker &amp; Zn".
    from django.template import engines

    html_engine = engines["django"].engine
    return Engine(dirs=html_engine.dirs, libraries=html_engine.libraries, autoescape=False)


def _plain(name: str, context: dict) -> str:
    return _plain_engine().get_template(name).render(Context(context, autoescape=False))


def public_link(path: str) -> str:
    """An absolute link from the configured public URL, never from the request's Host."""
    return settings.PUBLIC_URL + path
