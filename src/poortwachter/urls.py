from django.urls import include, path

from poortwachter.system import views as system

handler400 = "poortwachter.system.errors.bad_request"
handler403 = "poortwachter.system.errors.forbidden"
handler404 = "poortwachter.system.errors.not_found"
handler500 = "poortwachter.system.errors.server_error"

# Everything an organisation owns lives under /<slug>/; the middleware resolves it.
# Patterns are tried in order: the busiest (signed-in pages, the token endpoint) come first.
organisation_patterns = [
    path("", include("poortwachter.portal.urls")),
    path("", include("poortwachter.oidc.urls")),  # .well-known/openid-configuration, oidc/...
    path("", include("poortwachter.signin.urls")),
    path("", include("poortwachter.signin.second_step.urls")),
    path("", include("poortwachter.signin.activation.urls")),
    path("", include("poortwachter.signin.password_reset.urls")),
    path("", include("poortwachter.signin.reminders.urls")),
    path("", include("poortwachter.methods.magic_link.urls")),
    path("settings/", include("poortwachter.personal.urls")),
    path("", include("poortwachter.security.urls")),
    path("console/", include("poortwachter.console.urls")),
    path("console/apps/", include("poortwachter.oidc.console_urls")),
]

urlpatterns = [
    path("", include("poortwachter.signin.reminders.root_urls")),  # "Welke website moet ik gebruiken?"
    path("healthz", system.healthz, name="healthz"),
    path("readyz", system.readyz, name="readyz"),
    path("_mail/", include("poortwachter.mail.urls")),
    path("_operator/", include("poortwachter.operators.urls")),
    path("_demo-app/", include("poortwachter.oidc.demo_urls")),  # demo mode only
    path("<slug:organisation_slug>/", include(organisation_patterns)),
]
