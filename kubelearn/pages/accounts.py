"""Accounts for learners: sign up, sign in, sign out.

Nobody needs an account to learn: progress lives in the session. Signing up (or in) moves
that anonymous progress to the account (``kubelearn.lessons`` listens to ``user_logged_in``),
so it follows the learner to another browser.
"""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

DEFAULT_NEXT = "/learn/"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or DEFAULT_NEXT
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else DEFAULT_NEXT


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return HttpResponseRedirect(_next(request))
    return render(request, "pages/account.html", {"form": form, "mode": "signup", "next": _next(request)})


@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())
        return HttpResponseRedirect(_next(request))
    return render(request, "pages/account.html", {"form": form, "mode": "signin", "next": _next(request)})


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect("/")
