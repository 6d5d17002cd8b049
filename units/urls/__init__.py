"""URLs of the units app, one module per concern so each grows on its own:
pages (the browser UI), pdf (PDF exports) and io (import and export)."""

from .io import urlpatterns as io_urlpatterns
from .pages import urlpatterns as page_urlpatterns
from .pdf import urlpatterns as pdf_urlpatterns

app_name = "units"

urlpatterns = page_urlpatterns + pdf_urlpatterns + io_urlpatterns
