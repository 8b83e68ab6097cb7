"""Chooses the page language: `?lang=xx` (remembered in a cookie), then the cookie, then the
browser's Accept-Language, then Dutch."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

SUPPORTED = {code for code, _ in settings.LANGUAGES}


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.GET.get("lang", "")
        chosen = chosen if chosen in SUPPORTED else None
        language = chosen or translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if chosen and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != chosen:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, chosen, max_age=365 * 86400, path="/",
                secure=settings.LANGUAGE_COOKIE_SECURE, samesite="Lax", httponly=True,
            )
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response
