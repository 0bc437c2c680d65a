"""The curators' admin: every write goes through the services, every change is kept."""

from . import articles, records

__all__ = ["articles", "records"]
