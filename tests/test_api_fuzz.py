"""Property-based: schemathesis generates requests from the served schema, writes included.

No answer may be a server error or disagree with the schema. Bounded to a few examples per
operation so CI stays quick; FUZZ_EXAMPLES=200 searches harder. Every check runs but
"schema-valid data is accepted": a schema cannot say that a slug is already taken or that an
article does not contain a quote, so the API rightly answers 400 to such data.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.throttling import SimpleRateThrottle

from aidtracker.wsgi import application

# Thousands of requests: run in CI on PostgreSQL, skippable locally (-m "not slow").
pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))


@pytest.fixture
def api_schema(seeded):
    # The WSGI calls share the test's database connection: Django must not close it after each.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_api_answers_every_generated_request_within_its_schema(
    api_schema, curator, token_for, monkeypatch
):
    # The fuzzer explores the API, not its throttle (tests/test_access.py tests that).
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"anon": None, "user": None, "pages": None, "csv": None},
    )
    headers = {"Authorization": f"Token {token_for(curator)}"}
    failures, operations = [], 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(
                headers=headers, excluded_checks=[schemathesis.checks.positive_data_acceptance]
            )

        try:
            check()
        except Exception as error:  # every operation is checked, then all failures reported
            failures.append(f"{operation.label}: {error}")
    assert operations >= 40
    assert not failures, "\n\n".join(failures)
