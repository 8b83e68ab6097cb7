from django.urls import path

from poortwachter.system import views as system

urlpatterns = [path("", system.root, name="root")]
