"""The installation's own health checks (the root page is signin.reminders: "which website")."""

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """The process is alive and answering."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """The database and the shared cache answer; a load balancer sends traffic only then."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # reported, not raised: this page says what is down
        checks["database"] = f"unreachable: {type(error).__name__}"
    try:
        cache.set("readyz", "1", 10)
        checks["cache"] = "ok" if cache.get("readyz") == "1" else "unreachable"
    except Exception as error:
        checks["cache"] = f"unreachable: {type(error).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503)
