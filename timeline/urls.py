from django.urls import path

from . import pdf, views

app_name = "timeline"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:organisation_id>/", views.plan_list, name="plan"),
    path("<int:organisation_id>/gantt/", views.gantt, name="gantt"),
    path("<int:organisation_id>/pdf/", pdf.plan_pdf, name="plan-pdf"),
    path("<int:organisation_id>/kalender/", views.calendar, name="calendar"),
    path("<int:organisation_id>/kalender/<str:token>.ics", views.feed, name="feed"),
    path("<int:organisation_id>/milepael/ny/", views.milestone_create, name="milestone-create"),
    path("milepael/<int:pk>/", views.milestone_detail, name="milestone-detail"),
    path("milepael/<int:pk>/ret/", views.milestone_edit, name="milestone-edit"),
    path("milepael/<int:pk>/status/", views.milestone_status, name="milestone-status"),
    path("milepael/<int:pk>/slet/", views.milestone_delete, name="milestone-delete"),
    path("<int:organisation_id>/indsatsomraade/ny/", views.workstream_form,
         name="workstream-create"),
    path("indsatsomraade/<int:pk>/ret/", views.workstream_form, name="workstream-edit"),
    path("indsatsomraade/<int:workstream_id>/leverance/ny/", views.deliverable_form,
         name="deliverable-create"),
    path("leverance/<int:pk>/ret/", views.deliverable_form, name="deliverable-edit"),
]
