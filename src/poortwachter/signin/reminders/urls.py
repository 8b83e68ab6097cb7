from django.urls import path

from poortwachter.signin.reminders import views

app_name = "reminders"
urlpatterns = [
    path("username/forgot", views.username_forgot, name="username_forgot"),
]
