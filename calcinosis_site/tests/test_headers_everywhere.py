"""Every page a learner or an educator can reach carries the security headers.

The test walks the project's URL patterns (the admin's included), fills in each pattern's arguments
from the demo content, and requests every URL as an anonymous learner and as a signed-in educator.
Whatever the status (a page, a redirect, a 404 for a missing object), the headers must be there.
"""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import sync_educator_group
from cases.models import Case
from quiz.models import Attempt
from quiz.tests.helpers import load_demo_quiz

pytestmark = pytest.mark.django_db

HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def named_patterns(resolver=None, namespace=""):
    """(namespace:name, the pattern's argument names) for every named URL pattern."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", list(pattern.pattern.regex.groupindex)


def arguments(name: str, keys: list[str], case, quiz, attempt, educator) -> dict:
    values = {
        "slug": quiz.slug if name.startswith("quiz:") else case.slug,
        "label": "1A",
        "token": attempt.token,
        "position": 1,
        "app_label": "cases",
        "content_type_id": ContentType.objects.get_for_model(Case).pk,
        "id": educator.pk,
        "path": "anything",
        # Sign-up, confirmation and password links (their keys are checked by the view), review items.
        "key": "not-a-real-key",
        "uidb36": "1",
        "uidb64": "MQ",
        "pk": 1,
    }
    if "object_id" in keys:
        values["object_id"] = 1
        if name.startswith("admin:") and name.count("_") >= 2:
            app_label, model_name = name.split(":")[1].split("_")[:2]
            try:
                model = apps.get_model(app_label, model_name)
            except LookupError:
                model = None
            first = model.objects.order_by("pk").first() if model else None
            values["object_id"] = first.pk if first else 1
        if name == "admin:view_on_site":
            values["object_id"] = case.pk
    return {key: values[key] for key in keys}


def urls_to_visit(case, quiz, attempt, educator) -> list[str]:
    urls = []
    for name, keys in named_patterns():
        if name.startswith("admin:") and ("logout" in name):
            continue  # logging out would end the educator's session for the rest of the walk
        urls.append(reverse(name, kwargs=arguments(name, keys, case, quiz, attempt, educator)))
    return sorted(set(urls))


def test_every_reachable_url_carries_the_security_headers(client, django_user_model):
    quiz = load_demo_quiz()
    case = quiz.case
    client.post(reverse("quiz:start", args=[quiz.slug]))
    attempt = Attempt.objects.get()
    educator = django_user_model.objects.create_user("teacher", password="pw", is_staff=True)
    educator.groups.add(sync_educator_group())

    urls = urls_to_visit(case, quiz, attempt, educator)
    assert len(urls) > 60, "the walk reaches the admin's pages too"
    missing = []
    for who in ("learner", "educator"):
        if who == "educator":
            client.force_login(educator)
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, f"{url} as {who}: {response.status_code}"
            for header, value in HEADERS.items():
                if response.get(header) != value:
                    missing.append(f"{who} {url} ({response.status_code}): {header}={response.get(header)!r}")
            csp = response.get("Content-Security-Policy", "")
            if "script-src 'self'" not in csp or "unsafe-inline" in csp:
                missing.append(f"{who} {url} ({response.status_code}): Content-Security-Policy={csp!r}")
    assert not missing, "\n".join(missing)
