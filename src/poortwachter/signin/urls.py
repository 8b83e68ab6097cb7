from django.urls import path

from poortwachter.signin import views

app_name = "signin"
urlpatterns = [
    path("login", views.login, name="login"),
    path("login/password-expired", views.password_expired, name="password_expired"),
    path("logout", views.logout, name="logout"),
    path("reauth", views.reauth, name="reauth"),
]
