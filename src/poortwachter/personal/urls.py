app_name = "personal"
urlpatterns = []
