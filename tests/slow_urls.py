"""The project's URLs and /slow/?seconds=N, which answers after N seconds with
the id of the process that answered (tests/slow_settings.py)."""

import os
import time

from django.http import JsonResponse
from django.urls import path

from cms.urls import urlpatterns as project_urlpatterns


def slow(request):
    time.sleep(float(request.GET["seconds"]))
    return JsonResponse({"pid": os.getpid()})


urlpatterns = [path("slow/", slow), *project_urlpatterns]
