"""URLs of the pages app."""

from __future__ import annotations

from django.urls import path

from kubelearn.pages import accounts, views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/login/", accounts.signin, name="signin"),
    path("accounts/logout/", accounts.signout, name="signout"),
]
