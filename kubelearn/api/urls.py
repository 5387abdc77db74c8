"""URL routes of the facade, mounted at ``/k8s/<key>/``; trailing slashes are accepted everywhere."""

from __future__ import annotations

from django.urls import re_path

from kubelearn.api import views

app_name = "k8sapi"

urlpatterns = [
    re_path(r"^version/?$", views.version, name="version"),
    re_path(r"^api/?$", views.core_versions, name="api"),
    re_path(r"^apis/?$", views.group_list, name="apis"),
    re_path(r"^api/(?P<version>[^/]+)/?$", views.resource_list, name="core-resources"),
    re_path(r"^apis/(?P<group>[^/]+)/?$", views.api_group, name="group"),
    re_path(r"^apis/(?P<group>[^/]+)/(?P<version>[^/]+)/?$", views.resource_list, name="group-resources"),
    re_path(r"^openapi/v2/?$", views.openapi_v2, name="openapi-v2"),
    re_path(r"^openapi/v3/?$", views.openapi_index, name="openapi"),
    re_path(r"^openapi/v3/(?P<gv>.+?)/?$", views.openapi_document, name="openapi-document"),
    re_path(r"^api/(?P<version>[^/]+)/(?P<rest>.+)$", views.resource, name="core-resource"),
    re_path(r"^apis/(?P<group>[^/]+)/(?P<version>[^/]+)/(?P<rest>.+)$", views.resource, name="group-resource"),
    re_path(r"^(?P<path>.*)$", views.not_found, name="not-found"),
]
