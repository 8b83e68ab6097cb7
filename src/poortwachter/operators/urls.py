"""/_operator/: the operator console (operators.views)."""

from django.urls import path

from poortwachter.operators import views

app_name = "operators"
urlpatterns = [
    path("", views.home, name="home"),
    path("login", views.login, name="login"),
    path("logout", views.logout, name="logout"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/new", views.organisation_new, name="organisation_new"),
    path("organisations/<slug:slug>/status", views.organisation_status, name="organisation_status"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/retry", views.outbox_retry, name="outbox_retry"),
    path("terms/", views.terms_page, name="terms"),
]
