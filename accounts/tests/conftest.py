import pytest

from accounts.roles import sync_course_team_group


@pytest.fixture
def course_team_member(django_user_model):
    """A staff account in the Course team group only: what a course team's admin user is."""
    user = django_user_model.objects.create_user("coordinator", "coordinator@example.org", "pw", is_staff=True)
    user.groups.add(sync_course_team_group())
    return user


@pytest.fixture
def team_client(client, course_team_member):
    client.force_login(course_team_member)
    return client
