"""Every write, one keyword-only function each: the admin, the API, fixtures and imports all
come here, so a rule is applied the same way whichever door a change comes through."""

from .articles import article_import
from .fixtures import FixtureError, fixtures_load
from .records import StaleEdit, citation_delete, record_delete, record_save
from .requests import request_refresh_status, requests_derive, response_delete, response_save
from .reviews import fact_review

__all__ = [
    "FixtureError",
    "StaleEdit",
    "article_import",
    "citation_delete",
    "fact_review",
    "fixtures_load",
    "record_delete",
    "record_save",
    "request_refresh_status",
    "requests_derive",
    "response_delete",
    "response_save",
]
