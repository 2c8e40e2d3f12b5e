from django import template

register = template.Library()


@register.inclusion_tag("learners/_case_mark.html", takes_context=True)
def case_mark(context, case):
    """The signed-in learner's mark on a case in the list: done, or in progress (nothing otherwise)."""
    learner = context.get("learner")
    return {"mark": learner.case_marks.get(case.pk, "") if learner is not None else ""}
