from django.urls import path

from . import views

app_name = "med"

urlpatterns = [
    path("", views.index, name="index"),
    path("body/new/", views.body_create, name="body-create"),
    path("body/<int:pk>/", views.body_detail, name="body-detail"),
    path("body/<int:pk>/edit/", views.body_edit, name="body-edit"),
    path("body/<int:pk>/units/", views.body_units, name="body-units"),
    path("body/<int:pk>/members/new/", views.membership_create, name="membership-create"),
    path("body/<int:pk>/meetings/new/", views.meeting_create, name="meeting-create"),
    path("membership/<int:pk>/edit/", views.membership_edit, name="membership-edit"),
    path("meeting/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meeting/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meeting/<int:pk>/send/", views.meeting_send, name="meeting-send"),
    path("meeting/<int:pk>/items/new/", views.item_create, name="item-create"),
    path("item/<int:pk>/edit/", views.item_edit, name="item-edit"),
    path("item/<int:pk>/remove/", views.item_remove, name="item-remove"),
    path("consultations/", views.consultation_list, name="consultation-list"),
    path("consultations/new/", views.consultation_create, name="consultation-create"),
    path("consultation/<int:pk>/", views.consultation_detail, name="consultation-detail"),
    path("consultation/<int:pk>/edit/", views.consultation_edit, name="consultation-edit"),
    path("consultation/<int:pk>/response/", views.consultation_response,
         name="consultation-response"),
    path("coverage/<int:structure_id>/", views.coverage, name="coverage"),
]
