"""Pages of the security app under /<slug>/: the CAPTCHA challenge the widget fetches."""

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from poortwachter.security import captcha


@never_cache
@require_http_methods(["GET"])
def captcha_challenge(request):
    return JsonResponse(captcha.challenge(request.organisation))


app_name = "security"
urlpatterns = [
    path("captcha/challenge", captcha_challenge, name="captcha_challenge"),
]
