from django.urls import path

from . import views

app_name = "notify"

urlpatterns = [
    path("structure/<int:pk>/udmeldinger/", views.record, name="record"),
    path("structure/<int:pk>/udmeldinger.csv", views.record_csv, name="record-csv"),
    path("structure/<int:pk>/udmeldinger/enhed/<int:unit_pk>/", views.preview, name="preview"),
    path("structure/<int:pk>/udmeldinger/tilbagehold/", views.hold, name="hold"),
    path("structure/<int:pk>/udmeldinger/frigiv/", views.release, name="release"),
    path("structure/<int:pk>/udmeldinger/enhed/<int:unit_pk>/send-igen/", views.resend,
         name="resend"),
]
