from django.contrib import admin
from django.urls import include, path

from orgreg import health, jobs_views, views
from orgreg.accounts import views as accounts_views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("login/", accounts_views.LoginView.as_view(), name="login"),
    path("logout/", accounts_views.LogoutView.as_view(), name="logout"),
    path("oidc/", include("orgreg.accounts.urls")),
    path("admin/", admin.site.urls),
    path("jobs/<int:pk>/", jobs_views.job_detail, name="job-detail"),
    path("jobs/<int:pk>/fil/", jobs_views.job_download, name="job-download"),
    path("jobs/<int:pk>/igen/", jobs_views.job_retry, name="job-retry"),
    path("soeg/", views.search, name="search"),
    path("api/", include("units.api_urls")),
    path("med/", include("med.urls")),
    path("plan/", include("timeline.urls")),
    path("kommentarer/", include("comments.urls")),
    path("os2mo/", include("os2mo.urls")),
    path("", include("notify.urls")),
    path("", include("units.urls")),
]
