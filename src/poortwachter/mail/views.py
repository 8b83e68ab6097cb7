"""The development outbox (/_mail/): every message in the outbox, readable in the browser
and as JSON. Only in demo mode; in production these pages do not exist."""

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from poortwachter.mail.models import OutboxMessage


def _demo_only():
    if not settings.DEMO_MODE:
        raise Http404("development outbox is off")


@never_cache
def outbox(request):
    _demo_only()
    return render(request, "mail/outbox.html", {"messages": OutboxMessage.objects.all()[:200]})


@never_cache
def outbox_json(request):
    _demo_only()
    fields = ("id", "to", "subject", "text_body", "html_body", "language", "status", "template")
    rows = [
        {**{f: getattr(m, f) for f in fields}, "organisation": m.organisation.slug if m.organisation else None,
         "created_at": m.created_at.isoformat()}
        for m in OutboxMessage.objects.select_related("organisation")[:200]
    ]
    return JsonResponse({"messages": rows})


@never_cache
def message_html(request, message_id: int):
    """One message's HTML part, sandboxed: no scripts, no forms, links open normally."""
    _demo_only()
    message = get_object_or_404(OutboxMessage, pk=message_id)
    response = HttpResponse(message.html_body)
    response["Content-Security-Policy"] = "sandbox allow-popups allow-top-navigation-by-user-activation; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return response
