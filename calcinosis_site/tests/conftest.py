import pytest


@pytest.fixture
def fast_password_hashing(settings):
    """A cheap hasher for tests that sign in hundreds of times (each wrong password is hashed once, by design)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
