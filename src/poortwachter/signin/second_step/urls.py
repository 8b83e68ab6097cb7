from django.urls import path

from poortwachter.signin.second_step import views

app_name = "second_step"
urlpatterns = [
    path("login/second-step", views.prove, name="prove"),
    path("login/second-step/set-up", views.set_up, name="setup"),
    path("login/second-step/done", views.done, name="done"),
    path("recovery-codes.txt", views.recovery_codes_download, name="recovery_codes_download"),
]
