"""Every page type, error pages and views of the past included, passes the Nu HTML checker
(npm's vnu-jar, run with Debian's Java) with no error. Slow: it starts a JVM; CI installs
the checker with `npm ci` (.ci/run)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from requests_app.models import (
    Action,
    Actor,
    AidRequest,
    Contribution,
    Event,
    Item,
    PolicyStance,
    SourceArticle,
)

VNU = settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def checker() -> list[str]:
    if not VNU.exists() or not shutil.which("java"):
        reason = f"The Nu HTML checker needs {VNU} (npm ci) and Java"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI must run it).", pytrace=False)
        pytest.skip(reason)
    return ["java", "-jar", str(VNU), "--errors-only", "--format", "gnu"]


def page_urls() -> dict[str, tuple[str, int]]:
    """{name: (url, the status it answers)}: one of every page type of the site."""
    cheongung = AidRequest.objects.get(slug="ua-kr-2024-11-cheongung")
    requests = reverse("tracker:request-list")
    return {
        "home": (reverse("tracker:home"), 200),
        "requests": (requests, 200),
        "requests-filtered": (f"{requests}?status=declined&category=air_defence", 200),
        "requests-as-of": (f"{requests}?as_of=2024-07-15", 200),
        "requests-bad-filter": (f"{requests}?made_after=not-a-date", 400),
        "request": (cheongung.get_absolute_url(), 200),
        "request-as-of": (f"{cheongung.get_absolute_url()}?as_of=2024-11-27", 200),
        "request-not-yet": (f"{cheongung.get_absolute_url()}?as_of=2024-01-01", 404),
        "request-bad-day": (f"{cheongung.get_absolute_url()}?as_of=nope", 400),
        "actors": (reverse("tracker:actor-list"), 200),
        "actor": (Actor.objects.get(slug="south-korea").get_absolute_url(), 200),
        "items": (reverse("tracker:item-list"), 200),
        "item": (Item.objects.first().get_absolute_url(), 200),
        "stances": (reverse("tracker:stance-list"), 200),
        "stance": (PolicyStance.objects.first().get_absolute_url(), 200),
        "aid": (reverse("tracker:contribution-list"), 200),
        "contribution": (Contribution.objects.first().get_absolute_url(), 200),
        "events": (reverse("tracker:event-list"), 200),
        "event": (Event.objects.first().get_absolute_url(), 200),
        "actions": (reverse("tracker:action-list"), 200),
        "action": (Action.objects.first().get_absolute_url(), 200),
        "sources": (reverse("tracker:source-list"), 200),
        "source": (SourceArticle.objects.first().get_absolute_url(), 200),
        # A source in Korean, and a stance that quotes it with its translation.
        "source-original": (SourceArticle.objects.get(language="ko").get_absolute_url(), 200),
        "stance-translated": (
            reverse("tracker:stance-detail", args=["kr-not-ruling-out-weapons-2024"]),
            200,
        ),
        "conflicts": (reverse("tracker:conflicts"), 200),
        "conflicts-kind": (f"{reverse('tracker:conflicts')}?kind=response", 200),
        "api-docs": (reverse("api:docs"), 200),
        "data-releases-none": (reverse("tracker:release-list"), 200),
    }


@pytest.mark.slow
def test_every_page_type_passes_the_nu_html_checker(client, seeded, tmp_path: Path):
    command = checker()
    files = []
    for name, (url, status) in page_urls().items():
        response = client.get(url)
        assert response.status_code == status, (name, url)
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)

    result = subprocess.run(
        [*command, *map(str, files)], capture_output=True, text=True, timeout=300
    )

    assert result.stderr.strip() == "", result.stderr
    assert result.returncode == 0
