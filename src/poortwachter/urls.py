from django.urls import include, path

from poortwachter.system import views as system

handler400 = "poortwachter.system.errors.bad_request"
handler403 = "poortwachter.system.errors.forbidden"
handler404 = "poortwachter.system.errors.not_found"
handler500 = "poortwachter.system.errors.server_error"

# Everything an organisation owns lives under /<slug>/; the middleware resolves it.
organisation_patterns = [
    path("", include("poortwachter.portal.urls")),
    path("", include("poortwachter.signin.urls")),
]

urlpatterns = [
    path("", system.root, name="root"),
    path("healthz", system.healthz, name="healthz"),
    path("readyz", system.readyz, name="readyz"),
    path("<slug:organisation_slug>/", include(organisation_patterns)),
]
