app_name = "magic_link"
urlpatterns = []
