from django.urls import path

from poortwachter.methods.magic_link import views

app_name = "magic_link"
urlpatterns = [
    path("login/link", views.ask, name="ask"),
    path("login/link/<str:token>", views.open_link, name="open"),
]
