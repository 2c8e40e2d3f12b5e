"""No demo account and no known password on a production install (debug off)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.checks import registry
from django.core.management import call_command

from demo.checks import demo_account_check
from demo.management.commands.create_demo_educator import DEMO_PASSWORD, DEMO_USERNAME

pytestmark = pytest.mark.django_db


def deploy_errors() -> list[str]:
    """The ids of what `manage.py check --deploy` reports from this project's security checks."""
    return [message.id for message in registry.run_checks(include_deployment_checks=True, tags=["security"])]


def test_load_demo_on_a_server_creates_no_account(settings):
    settings.DEBUG = False

    call_command("load_demo", stdout=io.StringIO())

    assert not get_user_model().objects.exists()


def test_check_deploy_catches_the_demo_account_on_a_server(settings):
    settings.DEBUG = False
    get_user_model().objects.create_user(DEMO_USERNAME, password=DEMO_PASSWORD, is_staff=True)

    [error] = demo_account_check()
    assert error.id == "demo.E001" and error.is_serious()
    assert "demo.E001" in deploy_errors()


def test_the_educator_account_with_its_own_password_is_fine(settings):
    settings.DEBUG = False
    get_user_model().objects.create_user(DEMO_USERNAME, password="a password nobody published")

    assert demo_account_check() == []


def test_a_laptop_may_have_the_demo_account(settings):
    settings.DEBUG = True
    get_user_model().objects.create_user(DEMO_USERNAME, password=DEMO_PASSWORD)

    assert demo_account_check() == []
