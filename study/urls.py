app_name = "study"

urlpatterns: list = []
