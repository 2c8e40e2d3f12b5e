"""The settings a server runs with (debug off), checked in separate processes as a server would load them."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from calcinosis_site.settings import s3_storages
from tests.production import manage, production_env

STATIC_PROBE = """
import json, django
django.setup()
from django.templatetags.static import static
from django.test import Client
url = static("css/site.css")
response = Client().get(url, headers={"Host": "cases.example.org", "X-Forwarded-Proto": "https",
                                      "Accept-Encoding": "gzip"})
print(json.dumps({"url": url, "status": response.status_code, "cache": response.get("Cache-Control", ""),
                  "encoding": response.get("Content-Encoding", "")}))
"""


@pytest.mark.slow
def test_check_deploy_passes_with_production_settings(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


@pytest.mark.slow
def test_check_deploy_fails_when_a_safeguard_is_switched_off(tmp_path):
    env = production_env(tmp_path, DJANGO_SECURE_SSL_REDIRECT="0", DJANGO_SECURE_HSTS_SECONDS="0")

    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


@pytest.mark.slow
def test_a_server_without_a_secret_key_refuses_to_start(tmp_path):
    env = production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]

    result = manage(env, "check")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


@pytest.mark.slow
def test_static_files_have_hashed_names_and_are_cached_for_a_year(tmp_path):
    env = production_env(tmp_path)
    collected = manage(env, "collectstatic", "--noinput")
    assert collected.returncode == 0, collected.stderr

    probe = manage(env, "shell", "--no-imports", "-c", STATIC_PROBE)
    assert probe.returncode == 0, probe.stderr
    served = json.loads(probe.stdout.strip().splitlines()[-1])

    assert served["url"].startswith("/static/css/site.") and served["url"] != "/static/css/site.css"
    assert served["status"] == 200
    assert "immutable" in served["cache"] and "max-age=315360000" in served["cache"]
    assert served["encoding"] == "gzip"
    assert (tmp_path / "staticfiles" / "staticfiles.json").exists()


S3_ENV = {
    "AWS_STORAGE_BUCKET_NAME": "cases-figures",
    "AWS_PRIVATE_STORAGE_BUCKET_NAME": "cases-figure-masters",
    "AWS_S3_CUSTOM_DOMAIN": "media.cases.example.org",
    "AWS_S3_ENDPOINT_URL": "https://objects.example.org",
    "AWS_S3_REGION_NAME": "eu-west-2",
}


def test_s3_keeps_masters_in_a_separate_bucket_with_signed_addresses_only():
    renditions, masters, origin = s3_storages(S3_ENV)

    assert renditions["BACKEND"] == masters["BACKEND"] == "storages.backends.s3.S3Storage"
    assert renditions["OPTIONS"]["bucket_name"] == "cases-figures"
    assert renditions["OPTIONS"]["querystring_auth"] is False
    assert renditions["OPTIONS"]["custom_domain"] == "media.cases.example.org"
    assert masters["OPTIONS"]["bucket_name"] == "cases-figure-masters"
    assert masters["OPTIONS"]["querystring_auth"] is True
    assert "custom_domain" not in masters["OPTIONS"]
    assert masters["OPTIONS"]["endpoint_url"] == "https://objects.example.org"
    # Pages may show images from the renditions' host, and from nowhere else.
    assert origin == "https://media.cases.example.org"


def test_s3_refuses_one_bucket_for_both():
    with pytest.raises(ImproperlyConfigured, match="different bucket"):
        s3_storages({**S3_ENV, "AWS_PRIVATE_STORAGE_BUCKET_NAME": "cases-figures"})


def test_s3_refuses_a_missing_private_bucket():
    with pytest.raises(ImproperlyConfigured, match="AWS_PRIVATE_STORAGE_BUCKET_NAME"):
        s3_storages({**S3_ENV, "AWS_PRIVATE_STORAGE_BUCKET_NAME": ""})


@pytest.mark.slow
def test_s3_renditions_host_is_allowed_by_the_content_security_policy(tmp_path):
    env = production_env(tmp_path, DJANGO_STORAGE="s3", **S3_ENV)
    code = "from django.conf import settings; print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"

    result = manage(env, "shell", "--no-imports", "-c", code)

    assert result.returncode == 0, result.stderr
    assert "https://media.cases.example.org" in result.stdout
