"""The portal's URLs plus the benchmark's floor, served only under `bench.settings`."""

from django.urls import path

from workstation.urls import urlpatterns as portal_urlpatterns

from . import server

urlpatterns = [
    path("bench/floor", server.floor, name="bench-floor"),
    path("bench/layout", server.layout, name="bench-layout"),
    *portal_urlpatterns,
]
