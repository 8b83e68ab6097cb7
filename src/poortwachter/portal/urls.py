from django.urls import path

from poortwachter.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.start, name="start"),
    path("dashboard", views.dashboard, name="dashboard"),
]
