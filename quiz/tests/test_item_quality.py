"""Item-writing checks: each rule warns on a flawed question and stays quiet on a sound one; the admin lists them."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from cases.tests.factories import make_case, make_figure, make_key_point, make_section
from quiz.item_quality import (
    HINT_ANSWER_WORD_SHARE,
    LONG_OPTION_EXTRA_CHARACTERS,
    LONG_OPTION_RATIO,
    Choice,
    Item,
    all_rules,
    check_item,
    lead_in,
    question_warnings,
    quiz_warnings,
)
from quiz.models import AcceptedAnswer, Option, Question, Quiz, Step, Zone

Kind = Question.Kind

DISCUSSION = "Finally, the dystrophic form is the most commonly described.<sup>2</sup> Its mechanism remains unclear."


@pytest.fixture
def quiz(db):
    """A quiz of two steps: the first reveals the presentation, the second the discussion."""
    case = make_case()
    presentation = make_section(case, 1, "Presentation", "She had painless nodules on her left elbow.")
    discussion = make_section(case, 2, "Discussion", DISCUSSION)
    quiz = Quiz.objects.create(case=case, title="Quiz", slug=f"quiz-{case.slug}")
    Step.objects.create(quiz=quiz, position=1, title="The nodules").reveals_sections.add(presentation)
    Step.objects.create(quiz=quiz, position=2, title="The discussion").reveals_sections.add(discussion)
    return quiz


def step_of(quiz, position=1):
    return quiz.steps.get(position=position)


def add_question(step, kind=Kind.SINGLE_BEST, prompt="Which form of calcinosis is this?", options=(), hint="",
                 position=None) -> Question:  # fmt: skip
    """A question with options given as (text, weight or is_true, feedback); keys a, b, c..."""
    position = position or step.questions.count() + 1
    question = Question.objects.create(step=step, position=position, kind=kind, prompt=prompt, hint=hint)
    for n, (text, value, feedback) in enumerate(options, start=1):
        fields = {"is_true": value} if kind == Kind.MULTIPLE_TRUE_FALSE else {"weight": value}
        Option.objects.create(question=question, key=chr(96 + n), position=n, text=text, feedback=feedback, **fields)
    return question


def sba(step, right="Dystrophic", wrong=("Metastatic", "Idiopathic"), **fields) -> Question:
    options = [(right, 1, "Right: her connective tissue disease."), *((w, 0, "No: not in the report.") for w in wrong)]
    return add_question(step, Kind.SINGLE_BEST, options=options, **fields)


def rules_of(question) -> list[str]:
    return [w.rule for w in question_warnings(question)]


# --- the right option much longer than the others -----------------------------------------------------


def test_a_right_option_much_longer_than_the_others_warns(quiz):
    question = sba(step_of(quiz), right="Dystrophic, related to her mixed connective tissue disease")
    [warning] = [w for w in question_warnings(question) if w.rule == "long-right-option"]
    assert "“Dystrophic, related to her mixed connective tissue disease” (58 characters)" in warning.message
    assert "10 characters on average" in warning.message


@pytest.mark.parametrize(
    "right",
    [
        "Dystrophic",
        # 1.5 times as long as the wrong ones, but only 5 characters longer: a word's difference is no cue.
        "Dystrophic form",
    ],
)
def test_options_alike_in_length_do_not_warn(quiz, right):
    assert "long-right-option" not in rules_of(sba(step_of(quiz), right=right))


def test_the_thresholds_are_the_documented_ones():
    assert (LONG_OPTION_RATIO, LONG_OPTION_EXTRA_CHARACTERS, HINT_ANSWER_WORD_SHARE) == (1.5, 20, 0.6)


def test_long_right_options_of_a_multiple_response_question_warn_together(quiz):
    question = add_question(
        step_of(quiz),
        Kind.MULTIPLE_RESPONSE,
        prompt="Which findings argue against rheumatoid nodules?",
        options=[
            ("Her rheumatoid factor was within normal limits, as in almost no nodule formers.", 0.5, "Right."),
            ("She lacked any of the other diagnostic criteria for rheumatoid arthritis.", 0.5, "Right."),
            ("Her nodules were painful.", -1, "No."),
        ],
    )
    [warning] = [w for w in question_warnings(question) if w.rule == "long-right-option"]
    assert warning.message.startswith("The right options “Her rheumatoid factor")
    assert "“She lacked any of the other diagnostic criteria" in warning.message


# --- absolute terms only in wrong options ------------------------------------------------------------------


def test_absolute_terms_only_in_wrong_options_warn(quiz):
    question = sba(step_of(quiz), right="Marginal benefit", wrong=("Diltiazem reliably clears them", "Surgery"))
    [warning] = [w for w in question_warnings(question) if w.rule == "absolute-terms"]
    assert "“Diltiazem reliably clears them” (“reliably”)" in warning.message


@pytest.mark.parametrize(
    "right, wrong",
    [
        ("Marginal benefit", ("Diltiazem clears them", "Surgery")),  # no absolutes at all
        ("It never clears completely", ("Diltiazem always clears them", "Surgery")),  # in the right option too
        ("Marginal benefit", ("Diltiazem clears them, nevertheless", "Surgery")),  # a word containing one is no term
    ],
)
def test_absolute_terms_not_confined_to_wrong_options_do_not_warn(quiz, right, wrong):
    assert "absolute-terms" not in rules_of(sba(step_of(quiz), right=right, wrong=wrong))


def test_absolute_terms_only_in_false_statements_warn(quiz):
    question = add_question(
        step_of(quiz),
        Kind.MULTIPLE_TRUE_FALSE,
        prompt="True or false?",
        options=[("Her calcium was normal.", True, "True."), ("Calcinosis always hurts.", False, "False.")],
    )
    [warning] = [w for w in question_warnings(question) if w.rule == "absolute-terms"]
    assert "only in false statements" in warning.message


# --- all of the above / none of the above ----------------------------------------------------------------


@pytest.mark.parametrize("text", ["None of the above", "All of the above", "none of these"])
def test_all_or_none_of_the_above_warns(quiz, text):
    question = sba(step_of(quiz), wrong=("Metastatic", text))
    [warning] = [w for w in question_warnings(question) if w.rule == "all-or-none-of-the-above"]
    assert f"“{text}”" in warning.message


def test_specific_options_do_not_warn_of_the_above(quiz):
    question = sba(step_of(quiz), wrong=("Metastatic", "None: it is a rheumatoid nodule"))
    assert "all-or-none-of-the-above" not in rules_of(question)


# --- a word of the lead-in repeated only in the right option ----------------------------------------------


def test_a_word_of_the_lead_in_only_in_the_right_option_warns(quiz):
    question = sba(
        step_of(quiz),
        prompt="She is 87. Which radiograph finding does the report give?",
        right="Calcified masses on the radiographs",
        wrong=("Erosions of the joints", "A fracture of the olecranon"),
    )
    [warning] = [w for w in question_warnings(question) if w.rule == "lead-in-word-in-right-option"]
    assert warning.message.startswith("“radiograph” of the question comes back in the right option")


def test_a_word_of_the_lead_in_in_wrong_options_too_does_not_warn(quiz):
    question = sba(
        step_of(quiz),
        prompt="Which radiograph finding does the report give?",
        right="Calcified masses on the radiographs",
        wrong=("Erosions on the radiograph", "A fracture on the radiograph"),
    )
    assert "lead-in-word-in-right-option" not in rules_of(question)


def test_the_lead_in_is_the_question_asked():
    prompt = "An 87-year-old woman has nodules. She is not in pain. Which finding is **NOT** described? Select all."
    assert lead_in(prompt) == "Which finding is **NOT** described?"


# --- a negative lead-in without emphasis -------------------------------------------------------------------


@pytest.mark.parametrize(
    "prompt, word",
    [
        ("Which finding is not in the report?", "not"),
        ("All of these support the classification except which?", "except"),
        ("Which finding doesn't support dystrophic calcinosis?", "doesn't"),
    ],
)
def test_a_negative_lead_in_without_emphasis_warns(quiz, prompt, word):
    question = sba(step_of(quiz), prompt=prompt)
    [warning] = [w for w in question_warnings(question) if w.rule == "negative-lead-in"]
    assert f"turns on “{word}”" in warning.message


@pytest.mark.parametrize(
    "prompt",
    [
        "Which finding is NOT in the report?",
        "Which finding is **not** in the report?",
        "Which finding is *not* in the report?",
        # The negative is in the vignette, not in the question asked.
        "Her nodules were not painful. Which form of calcinosis is this?",
        "Which finding is in the report?",
    ],
)
def test_an_emphasised_or_absent_negative_does_not_warn(quiz, prompt):
    assert "negative-lead-in" not in rules_of(sba(step_of(quiz), prompt=prompt))


# --- "select all that apply" with one right option ---------------------------------------------------------


def test_select_all_that_apply_with_one_right_option_warns(quiz):
    question = add_question(
        step_of(quiz),
        Kind.MULTIPLE_RESPONSE,
        prompt="Which group do normal results argue against? Select all that apply.",
        options=[("Metastatic", 1, "Right."), ("Dystrophic", -0.5, "No."), ("Idiopathic", -0.5, "No.")],
    )
    [warning] = [w for w in question_warnings(question) if w.rule == "select-all-with-one-right-option"]
    assert "only “Metastatic” is right" in warning.message


def test_select_all_that_apply_with_two_right_options_does_not_warn(quiz):
    question = add_question(
        step_of(quiz),
        Kind.MULTIPLE_RESPONSE,
        prompt="Which findings does the examination describe? Select all that apply.",
        options=[("Painless nodules", 0.5, "Right."), ("On the elbow", 0.5, "Right."), ("Tender", -1, "No.")],
    )
    assert "select-all-with-one-right-option" not in rules_of(question)


def test_a_single_best_question_asking_to_select_all_warns(quiz):
    question = sba(step_of(quiz), prompt="Which findings support it? Select all that apply.")
    assert "select-all-with-one-right-option" in rules_of(question)


# --- a hint that gives the answer ---------------------------------------------------------------------------


def test_a_hint_holding_the_words_of_the_right_answer_warns(quiz):
    question = sba(
        step_of(quiz),
        right="Dystrophic calcinosis",
        wrong=("Metastatic calcinosis", "Idiopathic calcinosis"),
        hint="Her connective tissue disease points to dystrophic calcinosis.",
    )
    [warning] = [w for w in question_warnings(question) if w.rule == "hint-gives-answer"]
    assert warning.message == (
        "The hint holds “Dystrophic”: the words that single out the right answer “Dystrophic calcinosis”."
    )


def test_a_hint_repeating_words_the_wrong_options_share_does_not_warn(quiz):
    question = sba(
        step_of(quiz),
        prompt="Which findings count against rheumatoid nodules?",
        right="Her nodules were calcified on the radiographs",
        wrong=("Her nodules were painless", "Her serum calcium was normal"),
        hint="Ask what the radiographs would show in a patient who forms rheumatoid nodules.",
    )
    assert "hint-gives-answer" not in rules_of(question)


def test_a_hint_pointing_to_the_evidence_does_not_warn(quiz):
    question = sba(
        step_of(quiz),
        right="Dystrophic calcinosis",
        wrong=("Metastatic calcinosis", "Idiopathic calcinosis"),
        hint="Which condition in her history can cause calcinosis?",
    )
    assert "hint-gives-answer" not in rules_of(question)


def test_a_hint_naming_a_free_text_answer_warns(quiz):
    question = add_question(step_of(quiz), Kind.FREE_TEXT, prompt="Who described it?", hint="Think of Virchow.")
    AcceptedAnswer.objects.create(question=question, key="virchow", text="Virchow", fraction=1)
    assert "hint-gives-answer" in rules_of(question)
    Question.objects.filter(pk=question.pk).update(hint="The report names him in its first sentence.")
    question.refresh_from_db()
    assert "hint-gives-answer" not in rules_of(question)


# --- an option without feedback ----------------------------------------------------------------------------


def test_an_option_without_feedback_warns(quiz):
    question = add_question(
        step_of(quiz), options=[("Dystrophic", 1, "Right: her connective tissue disease."), ("Metastatic", 0, "  ")]
    )
    [warning] = [w for w in question_warnings(question) if w.rule == "option-without-feedback"]
    assert warning.message == "No feedback on “Metastatic”."


def test_options_with_feedback_do_not_warn(quiz):
    assert "option-without-feedback" not in rules_of(sba(step_of(quiz)))


def test_items_to_order_need_no_feedback_but_wrong_regions_do(quiz):
    ordering = add_question(step_of(quiz), Kind.ORDERING, options=[("First", 0, ""), ("Second", 0, "")])
    assert "option-without-feedback" not in rules_of(ordering)

    figure = make_figure(quiz.case, 1, "1A")
    hotspot = Question.objects.create(step=step_of(quiz), position=9, kind=Kind.HOTSPOT, prompt="Mark it.",
                                      figure=figure)  # fmt: skip
    Zone.objects.create(question=hotspot, key="mass", label="Upper left", coordinates=[0, 0, 0.5, 0.5],
                        feedback="Right: a calcified mass.")  # fmt: skip
    Zone.objects.create(question=hotspot, key="bone", label="Lower right", coordinates=[0.5, 0.5, 0.5, 0.5],
                        correct=False)  # fmt: skip
    [warning] = [w for w in question_warnings(hotspot) if w.rule == "option-without-feedback"]
    assert warning.message == "No feedback on “Lower right”."


# --- a key point used by questions of more than one step ---------------------------------------------------


def test_a_key_point_behind_questions_of_two_steps_warns_on_the_later_one(quiz):
    point = make_key_point(quiz.case, 1, key="mctd-makes-it-dystrophic", quote="She had painless nodules")
    first, later = sba(step_of(quiz, 1)), sba(step_of(quiz, 2))
    first.key_points.add(point)
    later.key_points.add(point)
    assert "key-point-in-several-steps" not in rules_of(first)
    [warning] = [w for w in question_warnings(later) if w.rule == "key-point-in-several-steps"]
    assert "“mctd-makes-it-dystrophic” (step 1, question 1)" in warning.message


def test_a_key_point_behind_two_questions_of_one_step_does_not_warn(quiz):
    point = make_key_point(quiz.case, 1, quote="She had painless nodules")
    for question in (sba(step_of(quiz, 2)), sba(step_of(quiz, 2))):
        question.key_points.add(point)
    assert not any(w.rule == "key-point-in-several-steps" for s in quiz_warnings(quiz) for q in s.questions
                   for w in q.warnings)  # fmt: skip


def test_a_withdrawn_question_does_not_count_as_an_earlier_use(quiz):
    point = make_key_point(quiz.case, 1, quote="She had painless nodules")
    first, later = sba(step_of(quiz, 1)), sba(step_of(quiz, 2))
    first.key_points.add(point)
    later.key_points.add(point)
    Question.objects.filter(pk=first.pk).update(withdrawn=True)
    assert "key-point-in-several-steps" not in rules_of(later)


# --- a key point quoting a part of the case not yet revealed -----------------------------------------------


def test_a_key_point_quoting_a_section_not_yet_revealed_warns(quiz):
    # The quote leaves out the citation number the section carries.
    point = make_key_point(quiz.case, 1, key="dystrophic-common", quote="Finally, the dystrophic form is the most "
                           "commonly described.")  # fmt: skip
    question = sba(step_of(quiz, 1))
    question.options.get(key="a").key_points.add(point)
    [warning] = [w for w in question_warnings(question) if w.rule == "quote-not-revealed"]
    assert "“dystrophic-common” quotes the section “Discussion” (revealed in step 2)" in warning.message


def test_a_key_point_quoting_what_the_step_has_revealed_does_not_warn(quiz):
    point = make_key_point(quiz.case, 1, quote="She had painless nodules on her left elbow. … Its mechanism "
                           "remains unclear.")  # fmt: skip
    early = sba(step_of(quiz, 1))
    early.key_points.add(make_key_point(quiz.case, 2, quote="She had painless nodules on her left elbow."))
    later = sba(step_of(quiz, 2))
    later.key_points.add(point)
    assert "quote-not-revealed" not in rules_of(early)
    assert "quote-not-revealed" not in rules_of(later)


def test_a_quote_from_a_section_no_step_reveals_says_so(quiz):
    make_section(quiz.case, 3, "Outcome", "She afterwards died due to hospital-acquired pneumonia.")
    question = sba(step_of(quiz, 2))
    question.key_points.add(make_key_point(quiz.case, 1, quote="She afterwards died due to hospital-acquired "
                                           "pneumonia."))  # fmt: skip
    [warning] = [w for w in question_warnings(question) if w.rule == "quote-not-revealed"]
    assert "the section “Outcome” (revealed by no step)" in warning.message


# --- the pure layer and the registry ----------------------------------------------------------------------


def test_rules_read_plain_data_without_the_database():
    item = Item(
        id=1,
        kind=Kind.SINGLE_BEST,
        prompt="Which is the diagnosis?",
        choices=(Choice("a", "Dystrophic", True, "Right."), Choice("b", "None of the above", False, "No.")),
    )
    assert [w.rule for w in check_item(item)] == ["all-or-none-of-the-above"]


def test_every_rule_has_a_code_a_reason_and_an_example_fix():
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules) == 10
    assert all(r.title and r.why and r.fix for r in rules)


def test_a_sound_question_has_no_warnings(quiz):
    question = sba(step_of(quiz), hint="Which condition in her history can cause calcinosis?")
    question.key_points.add(make_key_point(quiz.case, 1, quote="She had painless nodules on her left elbow."))
    assert question_warnings(question) == []


# --- the admin -----------------------------------------------------------------------------------------------


@pytest.fixture
def educator(make_educator, client):
    user = make_educator()
    client.force_login(user)
    return user


def flawed_quiz(quiz):
    """The quiz with a flawed question in step 2 and a sound one in step 1."""
    sba(step_of(quiz, 1), prompt="Which form is this?")
    return sba(step_of(quiz, 2), prompt="Which form is not described?", wrong=("Metastatic", "None of the above"))


def test_the_question_page_lists_its_warnings(client, educator, quiz):
    question = flawed_quiz(quiz)
    page = client.get(reverse("admin:quiz_question_change", args=[question.pk])).content.decode()
    assert "Item-writing warnings" in page
    assert "Negative question without emphasis" in page
    assert "The question “Which form is not described?” turns on “not”, which does not stand out." in page
    assert "Example of a fix:" in page
    assert "“All of the above” or “None of the above”" in page


def test_a_sound_question_page_says_there_is_nothing_to_point_out(client, educator, quiz):
    question = sba(step_of(quiz, 1))
    page = client.get(reverse("admin:quiz_question_change", args=[question.pk])).content.decode()
    assert "None: the item-writing checks find nothing to point out." in page
    assert f'<a href="{reverse("admin:quiz_quiz_item_quality", args=[quiz.pk])}">Every warning of this quiz</a>' in page


def test_a_new_question_page_has_no_warnings_section(client, educator, quiz):
    page = client.get(reverse("admin:quiz_question_add")).content.decode()
    assert "Item-writing warnings" not in page


def test_saving_a_flawed_question_is_not_blocked_but_warned(client, educator, quiz):
    question = flawed_quiz(quiz)
    data = {
        "step": str(question.step_id),
        "position": "1",
        "kind": Kind.SINGLE_BEST,
        "prompt": "Which form is not described?",
        "marks": "1",
        "hint": "",
        "feedback": "",
        "settings": "{}",
        "options-TOTAL_FORMS": "3",
        "options-INITIAL_FORMS": "3",
        "options-MIN_NUM_FORMS": "0",
        "options-MAX_NUM_FORMS": "1000",
    }
    for n, option in enumerate(question.options.order_by("position")):
        data.update({f"options-{n}-id": str(option.pk), f"options-{n}-question": str(question.pk),
                     f"options-{n}-key": option.key, f"options-{n}-position": str(option.position),
                     f"options-{n}-text": option.text, f"options-{n}-weight": str(option.weight),
                     f"options-{n}-feedback": option.feedback})  # fmt: skip
    response = client.post(reverse("admin:quiz_question_change", args=[question.pk]), data, follow=True)
    assert response.redirect_chain, response.content.decode()[:3000]
    page = response.content.decode()
    assert "has 2 item-writing warnings" in page
    assert f'<a href="{reverse("admin:quiz_question_change", args=[question.pk])}">its page</a>' in page


def test_the_item_quality_page_lists_every_warning_by_step_and_question(client, educator, quiz):
    question = flawed_quiz(quiz)
    page = client.get(reverse("admin:quiz_quiz_item_quality", args=[quiz.pk])).content.decode()
    assert "2 warnings" in page
    assert "Step 2: The discussion" in page and "Step 1: The nodules" not in page
    assert f'href="{reverse("admin:quiz_question_change", args=[question.pk])}"' in page
    warning = page[page.index("Negative question without emphasis") :]
    warning = warning[: warning.index("</li>")]
    assert "negative-lead-in" in warning  # the rule
    assert "turns on “not”, which does not stand out" in warning  # what is wrong here
    assert "Why:</em> A “not” or “except” read past in a hurry" in warning
    assert "Example of a fix:</em> Ask positively (“Which finding supports…?”)" in warning
    assert "“All of the above” or “None of the above”" in page


def test_a_quiz_without_warnings_says_so(client, educator, quiz):
    sba(step_of(quiz, 1))
    page = client.get(reverse("admin:quiz_quiz_item_quality", args=[quiz.pk])).content.decode()
    assert "No warnings: the item-writing checks find nothing to point out in this quiz." in page


def test_the_quiz_list_links_to_the_item_quality_page(client, educator, quiz):
    page = client.get(reverse("admin:quiz_quiz_changelist")).content.decode()
    assert f'href="{reverse("admin:quiz_quiz_item_quality", args=[quiz.pk])}"' in page


def test_the_item_quality_page_needs_the_quiz_view_permission(client, django_user_model, quiz):
    url = reverse("admin:quiz_quiz_item_quality", args=[quiz.pk])
    assert client.get(url).status_code == 302  # signed out: to the admin's login
    staff = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_quiz"))
    assert client.get(url).status_code == 200


def test_the_quiz_page_links_to_its_item_quality_list(client, make_educator):
    from quiz.tests.helpers import load_demo_quiz

    quiz = load_demo_quiz()
    client.force_login(make_educator())
    page = client.get(reverse("admin:quiz_quiz_change", args=[quiz.pk])).content.decode()
    assert reverse("admin:quiz_quiz_item_quality", args=[quiz.pk]) in page
