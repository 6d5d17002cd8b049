"""The project's URLs and one view that fails, to see the 500 page a user gets."""

from django.urls import path

from orgreg.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("hemmelig-fejl: DATABASE_URL=postgres://orgreg:kodeord@db/orgreg")


urlpatterns = [path("fejl/", boom), *project_urlpatterns]
