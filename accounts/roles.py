"""The Educators group: what an educator may do in the admin without superuser rights."""

from django.contrib.auth.models import Group, Permission

EDUCATORS_GROUP = "Educators"

# app label -> model names an educator writes (add, change, delete, view).
EDUCATOR_WRITES: dict[str, list[str]] = {
    "cases": ["case", "section", "figure", "reference", "keypoint"],
    "quiz": ["quiz", "step", "question", "option", "zone", "acceptedanswer"],
}
# app label -> model names an educator may only look at.
EDUCATOR_READS: dict[str, list[str]] = {
    "cases": ["figurerendition"],
    # How learners did: educators read attempts, they never edit them.
    "quiz": ["attempt", "stepattempt", "response", "keychange"],
}
# app label -> model names an educator may delete but not write. Attempts: the admin lets them delete their
# previews only (quiz.admin.AttemptAdmin), never a learner's attempt.
EDUCATOR_DELETES: dict[str, list[str]] = {"quiz": ["attempt"]}


def sync_educator_group() -> Group:
    """Create the Educators group if needed and give it exactly the permissions listed above."""
    group, _ = Group.objects.get_or_create(name=EDUCATORS_GROUP)
    codenames = []
    for app_label, models in EDUCATOR_WRITES.items():
        for model in models:
            codenames += [(app_label, f"{action}_{model}") for action in ("add", "change", "delete", "view")]
    for app_label, models in EDUCATOR_READS.items():
        codenames += [(app_label, f"view_{model}") for model in models]
    for app_label, models in EDUCATOR_DELETES.items():
        codenames += [(app_label, f"delete_{model}") for model in models]
    permissions = [
        perm
        for perm in Permission.objects.select_related("content_type").filter(
            codename__in=[codename for _, codename in codenames]
        )
        if (perm.content_type.app_label, perm.codename) in set(codenames)
    ]
    group.permissions.set(permissions)
    return group


def sync_educator_group_after_migrate(sender, **kwargs):
    sync_educator_group()
    sync_course_team_group()


COURSE_TEAM_GROUP = "Course team"

# What a course team needs to look after learners: make their accounts, change them (name, e-mail, cohorts,
# active or not) and manage cohorts. Never auth's group or permission rights, and never delete_user: a learner
# is deactivated, or deletes their own account. Which accounts and fields they may touch is the user admin's
# rule (accounts.admin.UserAdmin), since Django's permissions cannot say "learners only".
COURSE_TEAM_PERMISSIONS: list[tuple[str, str]] = [
    ("auth", "view_user"),
    ("auth", "add_user"),
    ("auth", "change_user"),
    ("accounts", "view_cohort"),
    ("accounts", "add_cohort"),
    ("accounts", "change_cohort"),
    ("accounts", "delete_cohort"),
]


def sync_course_team_group() -> Group:
    """Create the Course team group if needed and give it exactly the permissions listed above."""
    group, _ = Group.objects.get_or_create(name=COURSE_TEAM_GROUP)
    wanted = set(COURSE_TEAM_PERMISSIONS)
    permissions = [
        perm
        for perm in Permission.objects.select_related("content_type").filter(
            codename__in=[codename for _, codename in wanted]
        )
        if (perm.content_type.app_label, perm.codename) in wanted
    ]
    group.permissions.set(permissions)
    return group
