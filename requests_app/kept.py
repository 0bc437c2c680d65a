"""What depends only on the data, kept per data version."""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import caches
from django.http import HttpRequest

T = TypeVar("T")


def kept_per_data_version(request: HttpRequest, address: str, make: Callable[[], T]) -> T:
    """What `make()` returns, when it depends only on the data and on `address`: made once
    per data version and kept in the page cache (a write raises the version: the next read
    makes it again). Made each time where no version was read (aidtracker/cache.py reads it
    for public pages and the API)."""
    version = getattr(request, "data_version", None)
    if version is None:
        return make()
    key = "fragment:" + hashlib.sha256(f"{version} {address}".encode()).hexdigest()
    return caches["pages"].get_or_set(key, make)
