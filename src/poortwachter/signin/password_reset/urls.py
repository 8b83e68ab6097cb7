app_name = "password_reset"
urlpatterns = []
