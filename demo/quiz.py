"""The demo quiz for the calcinosis cutis case, following the report's own reasoning.

Every option's feedback is grounded in a key point of the case (``demo/case.py``),
whose quoted sentence the learner sees with the feedback. Feedback text itself says only what the
report says, or what it does not say; tests check that every option links to a key point.
"""

from django.db import transaction
from django.db.models import F

from cases.models import Case
from demo.figures import RADIOGRAPH_BONES, RADIOGRAPH_MASSES
from quiz.models import AcceptedAnswer, Option, Question, Quiz, Step, Zone

QUIZ = {
    "slug": "painless-nodules-elbow-knees-quiz",
    "title": "Work through the case",
    "introduction": "Work through the case as the authors did: look at the patient, her radiographs and her "
    "blood results, then classify her nodules and argue away the main alternative. Each step shows a "
    "little more of the case.",
    "mode": Quiz.Mode.PRACTICE,
    "max_tries": 2,
    "penalty_per_try": "0.333",
    "status": "published",
}

Kind = Question.Kind

# Option rows: (key, text, weight, feedback, key point keys). For true/false the weight slot holds is_true;
# for matching it holds the key of the matching choice ("" on the choices themselves).


def _bone_label(name: str) -> str:
    return {
        "humerus": "Bone: the lower end of the upper-arm bone (humerus)",
        "olecranon": "Bone: the point of the elbow (olecranon)",
        "radius": "Bone: the forearm bone on the thumb side (radius)",
        "ulna": "Bone: the forearm bone on the little-finger side (ulna)",
    }[name]


def _where(cx: float, cy: float) -> str:
    across = "left" if cx < 0.4 else "right" if cx > 0.6 else "centre"
    down = "upper" if cy < 0.4 else "lower" if cy > 0.6 else "middle"
    return f"{down} {across}" if across != "centre" else f"{down} centre"


def hotspot_zones() -> list[tuple]:
    """Zones on figure 1C: the drawn calcified masses are targets; the bones are wrong regions.

    Each mass is drawn as an ellipse; its zone is the rectangle around it.
    """
    zones = []
    for number, mass in enumerate(RADIOGRAPH_MASSES["1C"], start=1):
        box = [round(mass.cx - mass.rx, 4), round(mass.cy - mass.ry, 4), round(2 * mass.rx, 4), round(2 * mass.ry, 4)]
        zones.append(
            (
                f"mass-{number}",
                f"Soft tissue, {_where(mass.cx, mass.cy)} of the image (area {number})",
                "rect",
                box,
                True,
                "Right: a calcified mass in the soft tissue, as the report describes on the elbow radiograph.",
                ["radiograph-calcified-masses"],
            )
        )
    for name, (x, y, w, h) in RADIOGRAPH_BONES["1C"].items():
        zones.append(
            (
                f"bone-{name}",
                _bone_label(name),
                "rect",
                [x, y, w, h],
                False,
                "This is bone. The report describes the calcified masses as being in the soft tissue.",
                ["radiograph-calcified-masses"],
            )
        )
    return zones


STEPS = [
    {
        "position": 1,
        "title": "The patient and her nodules",
        "introduction": "Read the presentation and the examination, and look at the elbow and the knee.",
        "sections": [1, 2],
        "figures": ["1A", "1B"],
        "questions": [
            {
                "kind": Kind.MULTIPLE_RESPONSE,
                "prompt": "Which findings does the examination describe? Select all that apply.",
                "hint": "Read the examination again: how long had the nodules been there, and were they painful?",
                "key_points": ["nodules-on-examination"],
                "options": [
                    ("painless", "The nodules are painless.", "0.333", "Right: the report calls them painless.",
                     ["nodules-on-examination"]),
                    ("sites", "Subcutaneous nodules on the left elbow and on the knees.", "0.333",
                     "Right: the left elbow and the knees.", ["nodules-on-examination"]),
                    ("breaking-through", "A large deposit breaking through the skin of the right knee.", "0.334",
                     "Right: the report points it out on figure 1B.", ["nodules-on-examination"]),
                    ("recent", "The nodules appeared in the last few weeks.", "-0.5",
                     "No: they had developed during the past 10 years.", ["nodules-on-examination"]),
                    ("tender", "The nodules are tender.", "-0.5",
                     "No: the report describes them as painless.", ["nodules-on-examination"]),
                ],
            }
        ],
    },
    {
        "position": 2,
        "title": "The radiographs",
        "introduction": "Radiographs were taken of the left elbow (figure 1C) and the right knee (figure 1D).",
        "sections": [],
        "figures": ["1C", "1D"],
        "questions": [
            {
                "kind": Kind.HOTSPOT,
                "prompt": "On the radiograph of the left elbow (figure 1C), mark every calcified mass you can find "
                "in the soft tissue.",
                "figure": "1C",
                "hint": "The report places the calcified masses in the soft tissue, not in the bones.",
                "key_points": ["radiograph-calcified-masses"],
                "zones": hotspot_zones,
            },
            {
                "kind": Kind.SINGLE_BEST,
                "prompt": "Which description of the radiographs does the report give?",
                "hint": "Look at the bright areas: are they in the bones or outside them?",
                "key_points": ["radiograph-calcified-masses"],
                "options": [
                    ("calcified-masses", "Multiple, heterogeneous soft-tissue calcified masses.", "1",
                     "Right: in the report's words, these are suggestive of calcinosis cutis.",
                     ["radiograph-calcified-masses"]),
                    ("erosions", "Erosions at the joint margins.", "0",
                     "The report does not describe erosions; it describes soft-tissue calcified masses.",
                     ["radiograph-calcified-masses"]),
                    ("fracture", "A fracture of the olecranon.", "0",
                     "The report does not describe a fracture; it describes soft-tissue calcified masses.",
                     ["radiograph-calcified-masses"]),
                    ("normal", "Normal soft tissues.", "0",
                     "No: the soft tissues contained multiple calcified masses.", ["radiograph-calcified-masses"]),
                ],
            },
        ],
    },
    {
        "position": 3,
        "title": "Calcinosis cutis and its four groups",
        "introduction": "The radiographs suggest calcinosis cutis: the deposition of insoluble calcium salts "
        "in the skin and subcutaneous tissue. The report divides it into four groups.",
        "sections": [],
        "figures": [],
        "questions": [
            {
                "kind": Kind.MATCHING,
                "prompt": "Match each description to its group of calcinosis cutis.",
                "hint": "Start with the group defined by blood chemistry, then the one defined by a procedure.",
                "key_points": ["four-groups"],
                "options": [
                    ("metastatic", "Metastatic", "", "", ["metastatic-defined"]),
                    ("iatrogenic", "Iatrogenic", "", "", ["iatrogenic-defined"]),
                    ("idiopathic", "Idiopathic", "", "", ["idiopathic-defined"]),
                    ("dystrophic", "Dystrophic", "", "", ["dystrophic-defined"]),
                    ("stem-metabolism", "Related to abnormal calcium or phosphate metabolism, generally with "
                     "hypercalcaemia and/or hyperphosphataemia.", "metastatic",
                     "This is metastatic calcinosis.", ["metastatic-defined"]),
                    ("stem-procedure", "A complication of a therapeutic or diagnostic procedure, such as "
                     "extravasation of calcium gluconate.", "iatrogenic",
                     "This is iatrogenic calcinosis.", ["iatrogenic-defined"]),
                    ("stem-none", "Occurs in the absence of known tissue injury or systemic metabolic defect.",
                     "idiopathic", "This is idiopathic calcinosis.", ["idiopathic-defined"]),
                    ("stem-conditions", "The most commonly described form, caused by conditions such as "
                     "connective tissue diseases, infection or trauma.", "dystrophic",
                     "This is dystrophic calcinosis.", ["dystrophic-defined"]),
                ],
            },
            {
                "kind": Kind.FREE_TEXT,
                "prompt": "Who described calcinosis cutis in 1855? Give the surname.",
                "hint": "The report names him in its first sentence about calcinosis cutis, citing reference 1.",
                "key_points": ["definition-and-first-description"],
                "settings": {"typo_tolerance": True},
                "answers": [
                    ("virchow", "Virchow", "1", "Right: the report cites Virchow, 1855.",
                     ["definition-and-first-description"]),
                    ("rudolf-virchow", "Rudolf Virchow", "1", "Right: the report cites Virchow, 1855.",
                     ["definition-and-first-description"]),
                ],
            },
        ],
    },
    {
        "position": 4,
        "title": "The blood results",
        "introduction": "Here are her radiograph report and her blood results.",
        "sections": [3],
        "figures": [],
        "questions": [
            {
                "kind": Kind.MULTIPLE_TRUE_FALSE,
                "prompt": "True or false, for this patient?",
                "hint": "Every result the report lists was within normal limits.",
                "settings": {"penalty": 0.25},
                "key_points": ["normal-labs-against-metastatic"],
                "options": [
                    ("calcium-normal", "Her serum calcium was within normal limits.", True,
                     "True: within normal limits.", ["normal-labs-against-metastatic"]),
                    ("phosphate-raised", "Her serum phosphate was raised.", False,
                     "False: her phosphate was within normal limits.", ["normal-labs-against-metastatic"]),
                    ("pth-normal", "Her intact parathyroid hormone was within normal limits.", True,
                     "True: within normal limits.", ["normal-labs-against-metastatic"]),
                    ("renal-impaired", "Her renal function was impaired.", False,
                     "False: her renal function parameters were within normal limits.",
                     ["normal-labs-against-metastatic"]),
                    ("rf-normal", "Her rheumatoid factor was within normal limits.", True,
                     "True: within normal limits. This matters again in step 6.", ["rheumatoid-nodules-unlikely"]),
                ],
            },
            {
                "kind": Kind.MULTIPLE_RESPONSE,
                "prompt": "Which group of calcinosis cutis do these normal results argue against? Select all that "
                "apply.",
                "hint": "Which group is defined by abnormal calcium or phosphate metabolism?",
                "key_points": ["normal-labs-against-metastatic"],
                "options": [
                    ("metastatic", "Metastatic", "1",
                     "Right: metastatic calcification is related to abnormal calcium or phosphate metabolism, "
                     "and hers was normal.", ["normal-labs-against-metastatic", "metastatic-defined"]),
                    ("dystrophic", "Dystrophic", "-0.5",
                     "No: the report defines dystrophic calcinosis by its causes, such as connective tissue "
                     "diseases, not by abnormal calcium or phosphate metabolism.", ["dystrophic-defined"]),
                    ("idiopathic", "Idiopathic", "-0.5",
                     "No: idiopathic calcinosis occurs in the absence of a systemic metabolic defect, so normal "
                     "results do not argue against it.", ["idiopathic-defined"]),
                    ("iatrogenic", "Iatrogenic", "-0.5",
                     "No: the report defines iatrogenic calcinosis by a therapeutic or diagnostic procedure, not "
                     "by blood results.", ["iatrogenic-defined"]),
                ],
            },
        ],
    },
    {
        "position": 5,
        "title": "Her classification",
        "introduction": "Bring together her history, her radiographs and her blood results.",
        "sections": [],
        "figures": [],
        "questions": [
            {
                "kind": Kind.SINGLE_BEST,
                "prompt": "How do the authors classify this patient's calcinosis cutis?",
                "hint": "Which condition in her history can cause calcinosis?",
                "key_points": ["mctd-makes-it-dystrophic"],
                "options": [
                    ("dystrophic", "Dystrophic, related to her mixed connective tissue disease", "1",
                     "Right: connective tissue diseases cause dystrophic calcinosis, and she had no other "
                     "predisposing condition.", ["mctd-makes-it-dystrophic"]),
                    ("metastatic", "Metastatic", "0",
                     "No: her calcium, phosphate, parathyroid hormone and renal function were normal.",
                     ["normal-labs-against-metastatic"]),
                    ("idiopathic", "Idiopathic", "0",
                     "No: she had mixed connective tissue disease, a predisposing condition for calcinosis.",
                     ["idiopathic-defined", "mctd-makes-it-dystrophic"]),
                    ("iatrogenic", "Iatrogenic", "0",
                     "No: the authors found no predisposing condition other than mixed connective tissue "
                     "disease; the report names no procedure behind her nodules.",
                     ["iatrogenic-defined", "mctd-makes-it-dystrophic"]),
                ],
            },
            {
                "kind": Kind.MULTIPLE_RESPONSE,
                "prompt": "Which findings support that classification? Select all that apply.",
                "hint": "Look for the findings the authors use, and check each against her blood results.",
                "key_points": ["mctd-makes-it-dystrophic"],
                "options": [
                    ("mctd", "She has mixed connective tissue disease, a connective tissue disease.", "0.5",
                     "Right: connective tissue diseases are among the causes of dystrophic calcinosis.",
                     ["mctd-makes-it-dystrophic", "dystrophic-defined"]),
                    ("no-other-cause", "She had no other predisposing condition for calcinosis.", "0.5",
                     "Right: the authors rest their classification on this.", ["mctd-makes-it-dystrophic"]),
                    ("high-calcium", "Her serum calcium was raised.", "-0.5",
                     "No: her serum calcium was within normal limits.", ["normal-labs-against-metastatic"]),
                    ("positive-rf", "Her rheumatoid factor was positive.", "-0.5",
                     "No: her rheumatoid factor was within normal limits.", ["rheumatoid-nodules-unlikely"]),
                ],
            },
        ],
    },
    {
        "position": 6,
        "title": "Could they be rheumatoid nodules?",
        "introduction": "The authors also considered rheumatoid nodules.",
        "sections": [],
        "figures": [],
        "questions": [
            {
                "kind": Kind.MULTIPLE_RESPONSE,
                "prompt": "Why do the authors find rheumatoid nodules very unlikely? Select all that apply.",
                "hint": "Think of her rheumatoid factor, the criteria for rheumatoid arthritis, and what the "
                "radiographs showed.",
                "key_points": ["rheumatoid-nodules-unlikely", "rheumatoid-nodules-not-calcified"],
                "options": [
                    ("no-criteria", "She lacked any of the other diagnostic criteria for rheumatoid arthritis.",
                     "0.333", "Right.", ["rheumatoid-nodules-unlikely"]),
                    ("rf-normal", "Her rheumatoid factor was within normal limits, and almost all rheumatoid "
                     "nodule formers have a positive rheumatoid factor.", "0.333", "Right.",
                     ["rheumatoid-nodules-unlikely"]),
                    ("calcified", "Rheumatoid nodules usually appear as non-calcified subcutaneous masses; hers "
                     "were calcified.", "0.334", "Right.", ["rheumatoid-nodules-not-calcified"]),
                    ("painful", "Her nodules were painful.", "-0.5",
                     "No: the report describes her nodules as painless.", ["nodules-on-examination"]),
                    ("site", "Nodules at the elbow exclude rheumatoid nodules.", "-0.5",
                     "No: the authors do not argue from where the nodules were; they argue from her "
                     "rheumatoid factor, the criteria for rheumatoid arthritis and the calcification.",
                     ["rheumatoid-nodules-unlikely", "rheumatoid-nodules-not-calcified"]),
                ],
            }
        ],
    },
    {
        "position": 7,
        "title": "The reasoning, in order",
        "introduction": "Put the authors' reasoning together.",
        "sections": [],
        "figures": [],
        "questions": [
            {
                "kind": Kind.ORDERING,
                "prompt": "Put the steps of the authors' reasoning in order, from the first finding to the last "
                "conclusion.",
                "hint": "Start with what was seen at the bedside and end with the diagnosis argued away.",
                "key_points": [
                    "nodules-on-examination",
                    "radiograph-calcified-masses",
                    "normal-labs-against-metastatic",
                    "mctd-makes-it-dystrophic",
                    "rheumatoid-nodules-unlikely",
                ],
                "options": [
                    ("examination", "Painless subcutaneous nodules on the elbow and knees", "", "",
                     ["nodules-on-examination"]),
                    ("radiographs", "Radiographs: soft-tissue calcified masses suggestive of calcinosis cutis", "",
                     "", ["radiograph-calcified-masses"]),
                    ("bloods", "Normal calcium, phosphate, parathyroid hormone and renal function", "", "",
                     ["normal-labs-against-metastatic"]),
                    ("classification", "No predisposing condition other than mixed connective tissue disease: "
                     "dystrophic calcinosis", "", "", ["mctd-makes-it-dystrophic"]),
                    ("differential", "Rheumatoid nodules very unlikely", "", "", ["rheumatoid-nodules-unlikely"]),
                ],
            }
        ],
    },
    {
        "position": 8,
        "title": "Management and outcome",
        "introduction": "Finally, what can treatment offer?",
        "sections": [5],
        "figures": [],
        "questions": [
            {
                "kind": Kind.SINGLE_BEST,
                "prompt": "What does the report say about treating calcinosis cutis in this setting?",
                "hint": "The report is modest about treatment, and points to the underlying disorder.",
                "key_points": ["treatment-marginal", "treat-underlying-disorder"],
                "options": [
                    ("marginal", "Treatment has only marginal benefit (diltiazem and aluminium hydroxide antacids "
                     "have been used); early, effective management of the underlying disorder could reduce its "
                     "development.", "1", "Right.", ["treatment-marginal", "treat-underlying-disorder"]),
                    ("diltiazem-cures", "Diltiazem reliably clears the deposits.", "0",
                     "No: the report says treatment in this setting has only marginal benefit.",
                     ["treatment-marginal"]),
                    ("nothing", "Managing the underlying disease makes no difference.", "0",
                     "No: early, effective management of the underlying disorder could reduce the development "
                     "of calcinosis.", ["treat-underlying-disorder"]),
                    ("surgery", "Surgical removal is the treatment of choice.", "0",
                     "The report does not discuss surgery; it says treatment has only marginal benefit.",
                     ["treatment-marginal"]),
                ],
            }
        ],
    },
]  # fmt: skip


@transaction.atomic
def load_calcinosis_quiz(case: Case) -> Quiz:
    fields = dict(QUIZ)
    quiz, _ = Quiz.objects.update_or_create(slug=fields.pop("slug"), defaults={**fields, "case": case})
    sections = {s.position: s for s in case.sections.all()}
    figures = {f.label: f for f in case.figures.all()}
    key_points = {k.key: k for k in case.key_points.all()}
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
