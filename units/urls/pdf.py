"""PDF exports: org charts (also as PowerPoint and SVG), comparison reports and placement
notices."""

from django.urls import path

from units.views import alternatives, pdf

urlpatterns = [
    path("structure/<int:pk>/pdf/", pdf.structure_pdf, name="structure-pdf"),
    path("structure/<int:pk>/diagram.pptx", pdf.structure_chart_file, {"fmt": "pptx"},
         name="structure-pptx"),
    path("structure/<int:pk>/diagram.svg", pdf.structure_chart_file, {"fmt": "svg"},
         name="structure-svg"),
    path("structure/<int:pk>/notices.pdf", pdf.structure_notices_pdf,
         name="structure-notices-pdf"),
    path("structure/<int:pk>/notices.zip", pdf.structure_notices_zip,
         name="structure-notices-zip"),
    path("structure/<int:pk>/notice-text/", pdf.structure_notice_text,
         name="structure-notice-text"),
    path("compare/<int:old>/<int:new>/pdf/", pdf.compare_pdf, name="compare-pdf"),
    path("structure/<int:pk>/alternativer.pdf", alternatives.structure_alternatives_pdf,
         name="structure-alternatives-pdf"),
    path("unit/<int:pk>/notice.pdf", pdf.unit_notice_pdf, name="unit-notice-pdf"),
]
