import os

# openpyxl parses workbooks with lxml when lxml is installed (python-pptx brings it), and then
# ignores defusedxml, which is what refuses an uploaded xlsx with entity declarations (XXE,
# billion laughs: units/interchange/read_xlsx.py). Keep openpyxl on the defusedxml path; set
# here, the first module of every entry point (manage.py, WSGI, Celery), before openpyxl loads.
os.environ.setdefault("OPENPYXL_LXML", "False")

# The Celery app is loaded with Django, so @shared_task binds to it (Celery's Django recipe).
from .celery import app as celery_app  # noqa: E402

__all__ = ("celery_app",)
