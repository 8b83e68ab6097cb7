"""The demo app's pages, at /_demo-app/ (demo mode only)."""

from django.urls import path

from poortwachter.oidc import demo_app

app_name = "demo_app"
urlpatterns = [
    path("", demo_app.home, name="home"),
    path("login", demo_app.start, name="login"),
    path("callback", demo_app.callback, name="callback"),
    path("logout", demo_app.logout, name="logout"),
]
