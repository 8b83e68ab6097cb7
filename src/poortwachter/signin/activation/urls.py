from django.urls import path

from poortwachter.signin.activation import views

app_name = "activation"
urlpatterns = [
    path("activate/<path:token>", views.link, name="link"),
    path("activate", views.activate, name="activate"),
]
