from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("structure/<int:pk>/", views.structure_comments, name="structure-comments"),
    path("consultation/<int:pk>/svar/", views.consultation_answer, name="consultation-answer"),
    path("comment/<int:pk>/behandl/", views.comment_handle, name="comment-handle"),
]
