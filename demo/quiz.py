"""The demo quiz for the calcinosis cutis case, following the report's own reasoning.

Every option's feedback is grounded in a key point of the case (``demo/case.py``),
whose quoted sentence the learner sees with the feedback. Feedback text itself says only what the
report says, or what it does not say; tests check that every option links to a key point. Each step
shows the part of the report its questions rest on, and each key point is asked about in one step.
"""

from django.db import transaction
from django.db.models import F

from cases.models import Case
from demo.figures import FIGURE_SIZE, RADIOGRAPH_BONES, RADIOGRAPH_MASSES
from quiz.models import AcceptedAnswer, Option, Question, Quiz, Response, Status, Step, Zone

QUIZ = {
    "slug": "painless-nodules-elbow-knees-quiz",
    "title": "Work through the case",
    "introduction": "Work through the case as the authors did: look at the patient, her radiographs and her "
    "blood results, then classify her nodules and weigh the main alternative. Each step shows a little more "
    "of the case. Some questions describe hypothetical patients, built from the report's own examples; they "
    "are marked as such.",
    "objectives": "Describe her nodules and find the abnormalities on her radiographs\n"
    "Place a patient with calcified skin nodules in a group from the history and the blood results\n"
    "Use blood results to argue for or against a metabolic cause\n"
    "Weigh an alternative diagnosis against her findings\n"
    "Say what treatment can offer, as the report puts it",
    "mode": Quiz.Mode.PRACTICE,
    "max_tries": 2,
    "penalty_per_try": "0.333",
    "status": "published",
}
# Key points shown as the take-home summary at the top of the review page.
SUMMARY = ["metastatic-defined", "mctd-makes-it-dystrophic", "rheumatoid-nodules-unlikely",
           "treat-underlying-disorder"]  # fmt: skip

Kind = Question.Kind

# Option rows: (key, text, weight, feedback, key point keys). For true/false the weight slot holds is_true;
# for matching it holds the key of the matching choice ("" on the choices themselves).
# Every key point is asked about in one step only, so feedback can quote it as soon as that step is done
# without answering a later one.

# A zone must stay easy to hit with a finger on a phone: at least this many CSS pixels on each side
# when the figure is shown 375 pixels wide.
ZONE_MIN_PX_AT_375 = 24

BONE_NAMES = {"humerus": "Humerus", "olecranon": "Olecranon", "radius": "Radius", "ulna": "Ulna"}


def _padded_box(cx: float, cy: float, rx: float, ry: float) -> list[float]:
    """The rectangle around a drawn ellipse, widened where needed to the smallest zone a finger can hit."""
    width, height = FIGURE_SIZE
    min_w = ZONE_MIN_PX_AT_375 / 375
    min_h = ZONE_MIN_PX_AT_375 / (375 * height / width)
    w, h = max(2 * rx, min_w), max(2 * ry, min_h)
    return [round(cx - w / 2, 4), round(cy - h / 2, 4), round(w, 4), round(h, 4)]


def hotspot_zones() -> list[tuple]:
    """Zones on figure 1C: the drawn calcified masses are targets; the bones are wrong regions.

    Labels are for educators (the admin and the review); learners never see them before the step is done.
    """
    zones = []
    for number, mass in enumerate(RADIOGRAPH_MASSES["1C"], start=1):
        zones.append(
            (
                f"mass-{number}",
                f"Calcified mass {number}",
                "rect",
                _padded_box(mass.cx, mass.cy, mass.rx, mass.ry),
                True,
                "A calcified mass in the soft tissue: the report describes multiple, heterogeneous soft-tissue "
                "calcified masses.",
                ["radiograph-calcified-masses"],
            )
        )
    for name, (x, y, w, h) in RADIOGRAPH_BONES["1C"].items():
        zones.append(
            (
                f"bone-{name}",
                BONE_NAMES[name],
                "rect",
                [x, y, w, h],
                False,
                f"This mark is on bone ({BONE_NAMES[name].lower()}). The report places the calcified masses in "
                "the soft tissue.",
                ["radiograph-calcified-masses"],
            )
        )
    return zones


STEPS = [
    {
        "position": 1,
        "title": "The patient and her nodules",
        "introduction": "Read how she presented and what the examination found, and look at her elbow and knee.",
        "sections": [1, 2],
        "figures": ["1A", "1B"],
        "questions": [
            {
                "kind": Kind.MULTIPLE_TRUE_FALSE,
                "prompt": "From the examination, is each statement about her nodules true or false?",
                "hint": "Check each statement against the examination on its own terms: where the nodules are, "
                "how long they have been there, how deep they lie and whether they hurt.",
                "settings": {"penalty": 0.25},
                "key_points": ["nodules-on-examination"],
                "options": [
                    ("painless", "They cause her no pain.", True,
                     "True: the examination found painless nodules.", ["nodules-on-examination"]),
                    ("ten-years", "They have formed over about ten years.", True,
                     "True: they had developed during the past 10 years.", ["nodules-on-examination"]),
                    ("one-joint", "They are confined to her left elbow.", False,
                     "False: they were on her left elbow and on her knees.", ["nodules-on-examination"]),
                    ("through-skin", "One on the right knee breaks the skin.", True,
                     "True: the report points to a large deposit breaking through the skin of the right knee.",
                     ["nodules-on-examination"]),
                    ("in-joint", "They lie inside the joints themselves.", False,
                     "False: the examination found them under the skin (subcutaneous).",
                     ["nodules-on-examination"]),
                ],
            }
        ],
    },
    {
        "position": 2,
        "title": "Her radiographs",
        "introduction": "Radiographs were taken of her left elbow (figure 1C) and right knee (figure 1D).",
        "sections": [],
        "figures": ["1C", "1D"],
        "questions": [
            {
                "kind": Kind.HOTSPOT,
                "prompt": "On the radiograph of her left elbow (figure 1C), mark each abnormality.",
                "figure": "1C",
                "hint": "Trace the outline of each bone first, then search the rest of the image for anything "
                "that should not be there.",
                "key_points": ["radiograph-calcified-masses"],
                "zones": hotspot_zones,
            },
        ],
    },
    {
        "position": 3,
        "title": "Calcinosis cutis and its four groups",
        "introduction": "The radiographs suggest calcinosis cutis. Read how the report divides it into four "
        "groups.",
        "sections": [5],
        "figures": [],
        "questions": [
            {
                "kind": Kind.MATCHING,
                "prompt": "Each patient below is hypothetical, built from the report's own examples. Using the "
                "report's definitions, match each patient to a group of calcinosis cutis. A group may fit "
                "more than one patient.",
                "hint": "For each patient, ask what came before the calcium was laid down: a disorder of the "
                "blood chemistry, a procedure, damage to the tissue, or nothing found at all.",
                "key_points": ["four-groups"],
                "options": [
                    ("metastatic", "Metastatic", "", "", ["metastatic-defined"]),
                    ("iatrogenic", "Iatrogenic", "", "", ["iatrogenic-defined"]),
                    ("idiopathic", "Idiopathic", "", "", ["idiopathic-defined"]),
                    ("dystrophic", "Dystrophic", "", "", ["dystrophic-defined"]),
                    ("stem-phosphate", "Hypothetical: calcified skin nodules in a man whose serum phosphate "
                     "has been raised for years.", "metastatic",
                     "Metastatic: the report relates it to abnormal calcium or phosphate metabolism, generally "
                     "with hypercalcaemia and/or hyperphosphataemia.", ["metastatic-defined"]),
                    ("stem-gluconate", "Hypothetical: a hard plaque where an infusion of calcium gluconate "
                     "leaked into the tissues.", "iatrogenic",
                     "Iatrogenic: the report lists extravasation of calcium gluconate among its causes.",
                     ["iatrogenic-defined"]),
                    ("stem-heparin", "Hypothetical: firm nodules at the sites where a calcium-containing "
                     "heparin was injected.", "iatrogenic",
                     "Iatrogenic: the report lists subcutaneous injection of calcium-containing heparins.",
                     ["iatrogenic-defined"]),
                    ("stem-stasis", "Hypothetical: calcified nodules in lower-leg skin damaged by chronic "
                     "venous stasis.", "dystrophic",
                     "Dystrophic: the report names chronic venous stasis among the conditions that cause it.",
                     ["dystrophic-defined"]),
                    ("stem-nothing", "Hypothetical: calcified nodules with no tissue injury and no metabolic "
                     "defect found.", "idiopathic",
                     "Idiopathic: the report defines it by the absence of known tissue injury or systemic "
                     "metabolic defect.", ["idiopathic-defined"]),
                ],
            },
        ],
    },
    {
        "position": 4,
        "title": "Her blood results",
        "introduction": "Here are the radiographs as the report describes them, and her blood results. Put them "
        "beside her history.",
        "sections": [3, 4],
        "figures": [],
        "questions": [
            {
                "kind": Kind.SINGLE_BEST,
                "prompt": "Her serum calcium and phosphate were within normal limits. Which group of calcinosis "
                "cutis do these results count against?",
                "hint": "Which of the four groups does the report define by the blood chemistry rather than by "
                "what happened to the tissue?",
                "key_points": ["normal-labs-against-metastatic"],
                "options": [
                    ("metastatic", "Metastatic", "1",
                     "Right: the report relates metastatic calcification to abnormal calcium or phosphate "
                     "metabolism, generally with a raised calcium or phosphate; hers were normal.",
                     ["normal-labs-against-metastatic"]),
                    ("dystrophic", "Dystrophic", "0",
                     "Not this one: the report defines dystrophic calcinosis by the conditions that cause it, "
                     "not by the blood chemistry.", ["normal-labs-against-metastatic"]),
                    ("idiopathic", "Idiopathic", "0",
                     "Not this one: idiopathic calcinosis is defined by the absence of a systemic metabolic "
                     "defect, so normal results fit it.", ["normal-labs-against-metastatic"]),
                    ("iatrogenic", "Iatrogenic", "0",
                     "Not this one: the report defines iatrogenic calcinosis by a procedure, not by the blood "
                     "chemistry.", ["normal-labs-against-metastatic"]),
                ],
            },
            {
                "kind": Kind.FREE_TEXT,
                "prompt": "Taking her history and her blood results together, which group of calcinosis cutis "
                "best fits her nodules? Answer in one or two words.",
                "hint": "Look back at her history: does she have any of the conditions the report lists as "
                "causes of one of the groups?",
                "key_points": ["mctd-is-a-cause"],
                "settings": {"typo_tolerance": True},
                "answers": [
                    ("dystrophic", "dystrophic", "1",
                     "Right: she has mixed connective tissue disease, and the report lists connective tissue "
                     "diseases among the causes of the dystrophic form.",
                     ["mctd-is-a-cause"]),
                    ("dystrophic-calcinosis", "dystrophic calcinosis", "1", "Right.", ["mctd-is-a-cause"]),
                    ("dystrophic-calcinosis-cutis", "dystrophic calcinosis cutis", "1", "Right.",
                     ["mctd-is-a-cause"]),
                    ("dystrophic-calcification", "dystrophic calcification", "1", "Right.",
                     ["mctd-is-a-cause"]),
                    ("metastatic", "metastatic", "0",
                     "Not metastatic: her calcium and phosphate were within normal limits.",
                     ["mctd-is-a-cause"]),
                    ("idiopathic", "idiopathic", "0",
                     "Not idiopathic: she has mixed connective tissue disease, a condition that can cause "
                     "calcinosis.", ["mctd-is-a-cause"]),
                    ("iatrogenic", "iatrogenic", "0",
                     "Not iatrogenic: the report names no procedure behind her nodules.",
                     ["mctd-is-a-cause"]),
                    ("calciphylaxis", "calciphylaxis", "0",
                     "Calciphylaxis is not one of the four groups the report describes.",
                     ["mctd-is-a-cause"]),
                ],
            },
        ],
    },
    {
        "position": 5,
        "title": "Could they be rheumatoid nodules?",
        "introduction": "The authors also considered rheumatoid nodules. Read their reasoning, then apply it "
        "to her findings.",
        "sections": [8],
        "figures": [],
        "questions": [
            {
                "kind": Kind.MULTIPLE_RESPONSE,
                "prompt": "A colleague suggests that her nodules are rheumatoid nodules. Which of her findings "
                "count against that? Select all that apply.",
                "hint": "For each finding, ask whether it would be expected in a patient who forms rheumatoid "
                "nodules, and what the radiographs would then show.",
                "key_points": ["rheumatoid-nodules-unlikely", "rheumatoid-nodules-not-calcified"],
                "options": [
                    ("rf-normal", "Her rheumatoid factor was within normal limits.", "0.5",
                     "Right: almost all people who form rheumatoid nodules have a positive rheumatoid factor.",
                     ["rheumatoid-nodules-unlikely"]),
                    ("calcified", "Her nodules were calcified on the radiographs.", "0.5",
                     "Right: rheumatoid nodules usually appear as non-calcified subcutaneous masses.",
                     ["rheumatoid-nodules-not-calcified"]),
                    ("calcium-normal", "Her serum calcium was within normal limits.", "-0.5",
                     "True of her, but it counts against metastatic calcinosis; the authors do not use it "
                     "against rheumatoid nodules.", ["rheumatoid-nodules-unlikely"]),
                    ("painless", "Her nodules were painless on examination.", "-0.5",
                     "True of her, but the authors do not use it against rheumatoid nodules.",
                     ["rheumatoid-nodules-unlikely"]),
                    ("elbow", "One group of her nodules was at the elbow.", "-0.5",
                     "True of her, but the authors do not argue from where the nodules were.",
                     ["rheumatoid-nodules-unlikely"]),
                ],
            }
        ],
    },
    {
        "position": 6,
        "title": "The authors' classification",
        "introduction": "Read how the authors classified her calcinosis, then put their argument together.",
        "sections": [7],
        "figures": [],
        "questions": [
            {
                "kind": Kind.ORDERING,
                "prompt": "Put the steps of the authors' argument in order, from the first finding to their "
                "conclusion.",
                "hint": "For each step, ask which other step it needs before it can be argued.",
                "key_points": ["authors-argument"],
                "options": [
                    ("examination", "Painless nodules under the skin of the elbow and knees", "", "",
                     ["authors-argument"]),
                    ("radiographs", "Calcified masses in the soft tissue on the radiographs", "", "",
                     ["authors-argument"]),
                    ("no-other-cause", "No predisposing condition besides her connective tissue disease", "",
                     "", ["authors-argument"]),
                    ("conclusion", "Dystrophic calcinosis related to mixed connective tissue disease", "", "",
                     ["authors-argument"]),
                ],
            }
        ],
    },
    {
        "position": 7,
        "title": "Treatment and outcome",
        "introduction": "Finally, read what the report says about treatment, and how her admission ended.",
        "sections": [6, 9],
        "figures": [],
        "questions": [
            {
                "kind": Kind.SINGLE_BEST,
                "prompt": "Hypothetical: a patient with nodules like hers asks whether a medicine could clear "
                "them. Which reply does the report best support?",
                "hint": "Ask how much the report claims for treatment in this setting, not only what has been "
                "used.",
                "key_points": ["treatment-marginal"],
                "options": [
                    ("marginal", "Drugs such as diltiazem have been tried, with little benefit.", "1",
                     "Right: the report says treatment in this setting has only marginal benefit, diltiazem and "
                     "aluminium hydroxide antacids having been used.", ["treatment-marginal"]),
                    ("diltiazem", "Diltiazem has been tried, and it clears most deposits.", "0",
                     "Not supported: the report says treatment in this setting has only marginal benefit.",
                     ["treatment-marginal"]),
                    ("antacids", "Antacids have been tried, and they dissolve most deposits.", "0",
                     "Not supported: antacids have been used, but the report says the benefit is only "
                     "marginal.", ["treatment-marginal"]),
                    ("surgery", "Surgery has been tried, and it is the usual first step.", "0",
                     "The report does not discuss surgery.", ["treatment-marginal"]),
                ],
            },
            {
                "kind": Kind.SINGLE_BEST,
                "prompt": "Hypothetical: a 40-year-old woman has just been diagnosed with mixed connective "
                "tissue disease and asks what might make nodules like these less likely. Which answer does "
                "the report support?",
                "hint": "The report names one thing that could reduce the development of calcinosis. What is "
                "it aimed at?",
                "key_points": ["treat-underlying-disorder"],
                "options": [
                    ("underlying", "Early, effective treatment of her connective tissue disease", "1",
                     "Right: the report says early, effective management of the underlying disorder could "
                     "reduce the development of calcinosis.", ["treat-underlying-disorder"]),
                    ("diet", "A diet that is low in calcium from the time of diagnosis", "0",
                     "The report does not discuss diet; it points to the underlying disorder.",
                     ["treat-underlying-disorder"]),
                    ("diltiazem", "Diltiazem started at diagnosis, before any nodules appear", "0",
                     "The report mentions diltiazem only as a treatment of marginal benefit, not as prevention.",
                     ["treat-underlying-disorder"]),
                    ("rest", "Resting the elbows and knees to spare them from pressure", "0",
                     "The report does not discuss rest; it points to the underlying disorder.",
                     ["treat-underlying-disorder"]),
                ],
            },
        ],
    },
]  # fmt: skip


@transaction.atomic
def load_calcinosis_quiz(case: Case) -> Quiz:
    """Create the demo quiz, or bring it up to date in place.

    A quiz that learners have answered is never rewritten under them: if its questions differ from these,
    it is kept as it is, unpublished under a new address, and the quiz is created afresh.
    """
    fields = dict(QUIZ)
    slug = fields.pop("slug")
    _retire_if_answered_and_changed(slug)
    quiz, _ = Quiz.objects.update_or_create(slug=slug, defaults={**fields, "case": case})
    sections = {s.position: s for s in case.sections.all()}
    figures = {f.label: f for f in case.figures.all()}
    key_points = {k.key: k for k in case.key_points.all()}
    quiz.summary_points.set([key_points[k] for k in SUMMARY])
    quiz.steps.exclude(position__in=[s["position"] for s in STEPS]).delete()
    for spec in STEPS:
        step, _ = Step.objects.update_or_create(
            quiz=quiz,
            position=spec["position"],
            defaults={"title": spec["title"], "introduction": spec["introduction"]},
        )
        step.reveals_sections.set([sections[p] for p in spec["sections"]])
        step.reveals_figures.set([figures[label] for label in spec["figures"]])
        step.questions.exclude(position__in=range(1, len(spec["questions"]) + 1)).delete()
        for position, q in enumerate(spec["questions"], start=1):
            _load_question(step, position, q, figures, key_points)
    return quiz


def _retire_if_answered_and_changed(slug: str) -> None:
    quiz = Quiz.objects.filter(slug=slug).first()
    if quiz is None or not Response.objects.filter(question__step__quiz=quiz).exists():
        return
    existing = {
        (q.step.position, q.position): (q.kind, q.prompt)
        for q in Question.objects.filter(step__quiz=quiz).select_related("step")
    }
    wanted = {
        (step["position"], number): (q["kind"], q["prompt"])
        for step in STEPS
        for number, q in enumerate(step["questions"], start=1)
    }
    if existing == wanted:
        return
    retired = slug[: 200 - 15] + f"-retired-{quiz.pk}"
    Quiz.objects.filter(pk=quiz.pk).update(
        slug=retired, status=Status.DRAFT, title=f"{quiz.title} (earlier version)"[:200]
    )


def _load_question(step, position, spec, figures, key_points) -> Question:
    question, _ = Question.objects.update_or_create(
        step=step,
        position=position,
        defaults={
            "kind": spec["kind"],
            "prompt": spec["prompt"],
            "hint": spec.get("hint", ""),
            "feedback": spec.get("feedback", ""),
            "figure": figures.get(spec.get("figure")),
            "settings": spec.get("settings", {}),
        },
    )
    question.key_points.set([key_points[k] for k in spec["key_points"]])

    options = spec.get("options", [])
    question.options.exclude(key__in=[o[0] for o in options]).delete()
    question.options.update(position=F("position") + 1000)  # renumber without clashing
    for number, (key, text, value, feedback, points) in enumerate(options, start=1):
        defaults = {"position": number, "text": text, "feedback": feedback, "weight": 0, "is_true": None,
                    "match_key": ""}  # fmt: skip
        if spec["kind"] == Kind.MULTIPLE_TRUE_FALSE:
            defaults["is_true"] = value
        elif spec["kind"] == Kind.MATCHING:
            defaults["match_key"] = value
        elif value != "":
            defaults["weight"] = value
        option, _ = Option.objects.update_or_create(question=question, key=key, defaults=defaults)
        option.key_points.set([key_points[k] for k in points])

    zones = spec["zones"]() if "zones" in spec else []
    question.zones.exclude(key__in=[z[0] for z in zones]).delete()
    for key, label, shape, coordinates, correct, feedback, points in zones:
        zone, _ = Zone.objects.update_or_create(
            question=question,
            key=key,
            defaults={
                "label": label,
                "shape": shape,
                "coordinates": coordinates,
                "correct": correct,
                "feedback": feedback,
            },  # fmt: skip
        )
        zone.key_points.set([key_points[k] for k in points])

    answers = spec.get("answers", [])
    question.accepted_answers.exclude(key__in=[a[0] for a in answers]).delete()
    for key, text, fraction, feedback, points in answers:
        answer, _ = AcceptedAnswer.objects.update_or_create(
            question=question, key=key, defaults={"text": text, "fraction": fraction, "feedback": feedback}
        )
        answer.key_points.set([key_points[k] for k in points])
    return question
