from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from orgreg import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include("units.api_urls")),
    path("med/", include("med.urls")),
    path("plan/", include("timeline.urls")),
    path("", include("units.urls")),
]
