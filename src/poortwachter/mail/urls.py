from django.urls import path

from poortwachter.mail import views

app_name = "mail"
urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("messages.json", views.outbox_json, name="outbox_json"),
    path("<int:message_id>.html", views.message_html, name="message_html"),
]
