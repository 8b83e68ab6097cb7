"""Console pages for apps, under /<slug>/console/apps/ (namespace "oidc_console")."""

from django.urls import path

from poortwachter.oidc import console_views

app_name = "oidc_console"
urlpatterns = [
    path("", console_views.app_list, name="apps"),
    path("new", console_views.app_create, name="app_create"),
    path("<int:pk>/", console_views.app_edit, name="app"),
    path("<int:pk>/secret", console_views.app_secret, name="app_secret"),
    path("<int:pk>/delete", console_views.app_delete, name="app_delete"),
]
