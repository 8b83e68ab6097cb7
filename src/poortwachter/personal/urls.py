from django.urls import path

from poortwachter.personal import views

app_name = "personal"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("password", views.password, name="password"),
    path("email", views.email, name="email"),
    path("email/confirm/<str:token>", views.email_confirm, name="email_confirm"),
]
