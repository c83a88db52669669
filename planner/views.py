from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from planner import selectors
from planner.models import Store


def home(request: HttpRequest) -> HttpResponse:
    """What data is loaded, and where to go next (API docs, admin)."""
    return render(
        request,
        "planner/home.html",
        {"categories": selectors.category_list(), "store_count": Store.objects.count()},
    )
