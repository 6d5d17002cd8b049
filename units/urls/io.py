from django.urls import path

from units.views import io

urlpatterns = [
    path("organisation/<int:pk>/import/", io.structure_import, name="structure-import"),
    path("organisation/<int:pk>/import/<int:pending>/", io.structure_import_preview,
         name="structure-import-preview"),
    path("organisation/<int:pk>/import/<int:pending>/confirm/", io.structure_import_confirm,
         name="structure-import-confirm"),
    path("structure/<int:pk>/export/<str:fmt>/", io.structure_export, name="structure-export"),
    path("compare/<int:old>/<int:new>/export/", io.compare_export, name="compare-export"),
]
