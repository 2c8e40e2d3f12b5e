import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.roles import COURSE_TEAM_GROUP, EDUCATORS_GROUP
from cases.models import Case, Figure, FigureRendition
from demo import case as calcinosis

pytestmark = pytest.mark.django_db


def test_load_demo_twice_leaves_one_complete_case(client):
    call_command("load_demo", stdout=io.StringIO())
    first_files = set(FigureRendition.objects.values_list("file", flat=True))
    call_command("load_demo", stdout=io.StringIO())

    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert case.is_published()
    assert [s.heading for s in case.sections.all()] == [
        "Presentation",
        "Examination",
        "Radiographs",
        "Laboratory findings",
        "Calcinosis cutis and its four groups",
        "Treatment",
        "The authors' classification",
        "Rheumatoid nodules",
        "Outcome",
    ]
    assert [f.label for f in case.figures.all()] == ["1A", "1B", "1C", "1D"]
    assert case.references.count() == 4
    assert case.key_points.count() == len(calcinosis.KEY_POINTS)
    # The second run reuses the figures it drew the first time.
    assert set(FigureRendition.objects.values_list("file", flat=True)) == first_files

    page = client.get(case.get_absolute_url() + "?whole=1").content.decode()
    assert page.count("<picture>") == 4
    assert "These are drawn illustrations, not the patient’s images." in page
    assert "Calcinosis cutis, described by Virchow<sup>1</sup> in 1855" in page
    assert "Carrascosa MF" in page


def test_load_demo_redraws_missing_figure_files():
    call_command("load_demo", stdout=io.StringIO())
    figure = Figure.objects.get(label="1C")
    rendition = figure.renditions.first()
    rendition.file.storage.delete(rendition.file.name)

    call_command("load_demo", stdout=io.StringIO())

    figure.refresh_from_db()
    assert all(r.file.storage.exists(r.file.name) for r in figure.renditions.all())


def test_demo_educator_is_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing to create a demo account"):
        call_command("create_demo_educator")


def test_demo_educator_is_created_once_in_debug(settings, django_user_model):
    settings.DEBUG = True
    call_command("create_demo_educator", stdout=io.StringIO())
    user = django_user_model.objects.get(username="educator")
    user.set_password("changed by the educator")
    user.save()
    call_command("create_demo_educator", stdout=io.StringIO())
    user.refresh_from_db()
    assert user.check_password("changed by the educator")
    assert user.is_staff and not user.is_superuser
    # Writes cases and manages learners, without the admin's user and group management.
    assert set(user.groups.values_list("name", flat=True)) == {EDUCATORS_GROUP, COURSE_TEAM_GROUP}
    assert user.has_perm("accounts.add_cohort") and not user.has_perm("auth.change_group")


def test_case_with_a_quiz_opens_with_its_beginning_only(client):
    call_command("load_demo", stdout=io.StringIO())
    case = Case.objects.get()
    page = client.get(case.get_absolute_url()).content.decode()

    assert "An 87-year-old woman" in page
    assert page.count("<picture>") == 2  # the elbow and the knee; the radiographs come with step 2
    assert "Virchow" not in page
    assert "dystrophic" not in page.lower()
    assert "Start the quiz" in page
    assert "Read the whole case instead" in page


def test_figure_pages_stay_within_the_view_the_learner_is_in(client):
    call_command("load_demo", stdout=io.StringIO())
    opening = client.get("/cases/painless-nodules-elbow-knees/figures/1B/").content.decode()
    assert "Next: figure 1C" not in opening, "the radiographs come with the quiz's second step"
    assert 'href="/cases/painless-nodules-elbow-knees/#figure-1B"' in opening

    whole = client.get("/cases/painless-nodules-elbow-knees/figures/1B/?whole=1").content.decode()
    assert 'href="/cases/painless-nodules-elbow-knees/figures/1C/?whole=1"' in whole
    radiograph = client.get("/cases/painless-nodules-elbow-knees/figures/1C/").content.decode()
    assert 'href="/cases/painless-nodules-elbow-knees/?whole=1#figure-1C"' in radiograph
