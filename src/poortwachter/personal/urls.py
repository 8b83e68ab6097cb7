from django.urls import path

from poortwachter.personal import second_step, views

app_name = "personal"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("password", views.password, name="password"),
    path("email", views.email, name="email"),
    path("email/confirm/<str:token>", views.email_confirm, name="email_confirm"),
    path("second-step", second_step.overview, name="second_step"),
    path("second-step/add", second_step.add, name="second_step_add"),
    path("second-step/remove", second_step.remove, name="second_step_remove"),
    path("second-step/recovery-codes", second_step.renew_recovery_codes, name="recovery_codes"),
]
