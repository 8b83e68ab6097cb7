from django.urls import path

from poortwachter.signin.password_reset import views

app_name = "password_reset"
urlpatterns = [
    path("password/forgot", views.forgot, name="forgot"),
    path("password/reset/<path:token>", views.link, name="link"),
    path("password/reset", views.reset, name="reset"),
]
