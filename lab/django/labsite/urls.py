from django.urls import path

from . import views

urlpatterns = [
    path("__lab/phase", views.phase),
    path("small", views.small),
    path("big", views.big),
    path("big-file", views.big_file),
    path("upload", views.upload),
    path("events", views.events),
    path("boom", views.boom),
    path("outbound/reset", views.outbound_reset),
    path("outbound/refused", views.outbound_reset),
    path("outbound/fetch-reset", views.outbound_fetch_reset),
    path("outbound/timeout", views.outbound_timeout),
    path("outbound/partial", views.outbound_partial),
    path("outbound/epipe", views.outbound_epipe),
]
