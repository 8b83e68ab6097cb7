from django.urls import path

from poortwachter.signin.reminders import views

# The root page of the installation: "Welke website moet ik gebruiken?"
urlpatterns = [path("", views.which_website, name="root")]
