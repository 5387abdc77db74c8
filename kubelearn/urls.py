"""Root URL configuration: pages, the language switch and the admin.

More apps (``api``, ``lessons``, ``classrooms``) mount here as they arrive.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("kubelearn.pages.urls")),
    path("sandbox/", include("kubelearn.sandboxes.urls")),
    path("studio/", include("kubelearn.studio.urls")),
    path("learn/", include("kubelearn.lessons.urls")),
    path("class/", include("kubelearn.classrooms.urls")),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: POST /i18n/setlang/
    path("admin/", admin.site.urls),
    path("k8s/<str:key>/", include("kubelearn.api.urls")),
]
