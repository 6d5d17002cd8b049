from django.urls import path

from orgreg.accounts import views

app_name = "accounts"

urlpatterns = [
    path("authenticate/", views.AuthenticateView.as_view(), name="oidc-login"),
    path("callback/", views.CallbackView.as_view(), name="oidc-callback"),
]
