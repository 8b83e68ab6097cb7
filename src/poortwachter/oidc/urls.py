"""The provider's endpoints, included under `/<slug>/` (the issuer)."""

from django.urls import path

from poortwachter.oidc import views

app_name = "oidc"
urlpatterns = [
    path(".well-known/openid-configuration", views.discovery, name="discovery"),
    path(".well-known/jwks.json", views.jwks, name="jwks"),
    path("oidc/authorize", views.authorize, name="authorize"),
    path("oidc/token", views.token, name="token"),
    path("oidc/userinfo", views.userinfo, name="userinfo"),
    path("oidc/revoke", views.revoke, name="revoke"),
    path("oidc/introspect", views.introspect, name="introspect"),
    path("oidc/logout", views.logout, name="logout"),
    path("oidc/logout/confirm", views.logout_confirm, name="logout_confirm"),
]
