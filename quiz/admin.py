"""Authoring quizzes in the admin: quiz -> steps -> questions with their options, zones and answers.

Each question is checked with its grader's own rules as the educator saves it, on its own page or on its
step's, so a question that cannot be scored fairly never reaches a learner; a quiz holding one is not
published (``Quiz.clean``, ``quiz.keys.quiz_publish_problems``). A step reveals its own case's sections and
figures only, and a quiz's take-home points are its own case's.
"""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Q
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from cases.models import Figure, KeyPoint, Section
from quiz.analysis import (
    NO_FILTER,
    RESPONSES_PER_PAGE,
    AttemptFilterForm,
    analysis_charts,
    cohort_calibration,
    counted_attempts,
    item_analysis,
    responses_table,
)
from quiz.distractors import SMALL_SAMPLE_ATTEMPTS
from quiz.exports import csv_download, responses_rows, statistics_rows
from quiz.item_quality import all_rules, question_warnings, quiz_warnings
from quiz.keys import OTHER_CASES_KEY_POINT, authoring_problems, figure_problems, key_snapshot, question_problems
from quiz.kinds import KINDS, all_kinds, get_kind
from quiz.kinds.base import ANSWERS, OPTIONS, ZONES
from quiz.models import AcceptedAnswer, Attempt, KeyChange, Option, Question, Quiz, Response, Step, Zone
from quiz.services import key_change_record, question_regrade


def scoring_rules_html():
    return format_html(
        "<p>How each kind is scored:</p><ul>{}</ul>",
        format_html_join("", "<li><strong>{}</strong>: {}</li>", ((k.label, k.scoring_rule) for k in all_kinds())),
    )


def _case_of_request(request, model):
    """The case of the object being edited, to offer only that case's sections, figures and key points."""
    object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
    if not object_id:
        # An add page knows its case only when its link names it, as the form's initial value: ?case= on a
        # quiz's, ?quiz= on a step's, ?step= on a question's. Otherwise its form checks the choices on submit.
        parent_id = str(request.GET.get({Quiz: "case", Step: "quiz", Question: "step"}[model], ""))
        if not parent_id.isdigit():
            return None
        if model is Quiz:
            return int(parent_id)
        parent, to_case = {Step: (Quiz, "case_id"), Question: (Step, "quiz__case_id")}[model]
        return parent.objects.filter(pk=parent_id).values_list(to_case, flat=True).first()
    paths = {Quiz: "case_id", Step: "quiz__case_id", Question: "step__quiz__case_id"}
    return model.objects.filter(pk=object_id).values_list(paths[model], flat=True).first()


class CaseScopedMixin:
    """Limit choices of sections, figures and key points to the case being edited.

    Where the case is not known yet (an add page), every case's are offered, each named with its case, and
    the form refuses another case's on submit.
    """

    scoped_model = None

    def _limit(self, request, db_field, kwargs):
        if db_field.related_model not in (Section, Figure, KeyPoint):
            return kwargs, False
        case_id = _case_of_request(request, self.scoped_model)
        queryset = db_field.related_model.objects.select_related("case")
        kwargs["queryset"] = queryset.filter(case_id=case_id) if case_id else queryset
        return kwargs, not case_id

    @staticmethod
    def _name_cases(field, unscoped):
        if field is not None and unscoped:
            field.label_from_instance = lambda row: f"{row.case}: {row}"
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs, unscoped = self._limit(request, db_field, kwargs)
        if db_field.related_model in (Section, Figure):
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return self._name_cases(super().formfield_for_manytomany(db_field, request, **kwargs), unscoped)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs, unscoped = self._limit(request, db_field, kwargs)
        return self._name_cases(super().formfield_for_foreignkey(db_field, request, **kwargs), unscoped)


# --- Quiz --------------------------------------------------------------------------------------


class StepForm(forms.ModelForm):
    """A step reveals its own quiz's case only: a wrong tick would show another patient inside the quiz."""

    class Meta:
        model = Step
        fields = ["quiz", "position", "title", "introduction", "reveals_sections", "reveals_figures", "withdrawn"]

    def clean(self):
        cleaned = super().clean()
        # On a quiz's page the quiz is the page's own, unsaved on its add page; on a step's, the one chosen.
        quiz = cleaned.get("quiz")
        if quiz is not None and quiz.case_id:
            sections, figures = cleaned.get("reveals_sections") or (), cleaned.get("reveals_figures") or ()
            for field, problem in self.instance.reveal_problems(sections, figures, case_id=quiz.case_id).items():
                self.add_error(field, problem)
        return cleaned


class QuizForm(forms.ModelForm):
    """A quiz's take-home points are none, or three to five of its own case's key points."""

    class Meta:
        model = Quiz
        fields = ["case", "title", "slug", "introduction", "objectives", "summary_points", "mode", "status"]

    def clean(self):
        cleaned = super().clean()
        # Publishing is checked by Quiz.clean, once the form's values are on the quiz; its take-home points are
        # checked here, as chosen (they are saved after the quiz).
        case = cleaned.get("case")
        if case is not None and "summary_points" in cleaned:
            for problem in self.instance.summary_points_problems(cleaned["summary_points"], case_id=case.pk):
                self.add_error("summary_points", problem)
        return cleaned


class StepInline(CaseScopedMixin, admin.StackedInline):
    model = Step
    form = StepForm
    scoped_model = Quiz
    extra = 0
    show_change_link = True
    fields = ["position", "title", "introduction", "reveals_sections", "reveals_figures", "withdrawn"]


@admin.register(Quiz)
class QuizAdmin(CaseScopedMixin, admin.ModelAdmin):
    form = QuizForm
    scoped_model = Quiz
    list_display = ["title", "case", "mode", "status", "learners_finished", "average_score", "item_quality_link"]
    list_filter = ["status", "mode", "case"]
    search_fields = ["title", "case__title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [StepInline]
    fieldsets = [
        (None, {"fields": ["case", "title", "slug", "introduction", "mode", "status"]}),
        ("Objectives and take-home points", {"fields": ["objectives", "summary_points"]}),
        ("Practice", {"fields": ["max_tries", "penalty_per_try", "practice_certainty"]}),
        ("Exam", {"fields": ["attempts_allowed", "review_after", "opens_at", "closes_at"]}),
    ]
    change_form_template = "admin/quiz/quiz/change_form.html"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("opens_at", "closes_at"):
            # The admin's date and time boxes share one visible label, which names neither box.
            name = db_field.verbose_name.capitalize()
            date, time = field.widget.widgets
            date.attrs["aria-label"] = f"{name}: date (year-month-day)"
            time.attrs["aria-label"] = f"{name}: time (hours:minutes:seconds)"
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "summary_points":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request):
        # Each learner's first finished attempt: a retake after seeing the answers measures memory.
        first = Q(attempts__in=Attempt.objects.first_completed())
        return (
            super()
            .get_queryset(request)
            .select_related("case")
            .annotate(
                finished_count=Count("attempts", filter=first),
                score_average=Avg("attempts__score", filter=first),
                max_average=Avg("attempts__max_score", filter=first),
            )
        )

    @admin.display(description="learners finished (first attempts)", ordering="finished_count")
    def learners_finished(self, quiz):
        return quiz.finished_count

    @admin.display(description="average score (first attempts)")
    def average_score(self, quiz):
        if not quiz.finished_count or not quiz.max_average:
            return "–"
        return f"{100 * quiz.score_average / quiz.max_average:.0f}%"

    # --- item-writing checks (quiz.item_quality): listed for the educator, never blocking a save -------------

    @admin.display(description="item quality")
    def item_quality_link(self, quiz):
        return format_html(
            '<a href="{}">Item-writing warnings</a>', reverse("admin:quiz_quiz_item_quality", args=[quiz.pk])
        )

    def get_urls(self):
        item_quality = self.admin_site.admin_view(self.item_quality_view)
        analysis = self.admin_site.admin_view(self.item_analysis_view)
        return [
            path("<int:object_id>/item-quality/", item_quality, name="quiz_quiz_item_quality"),
            path("<int:object_id>/item-analysis/", analysis, name="quiz_quiz_item_analysis"),
            path(
                "<int:object_id>/item-analysis/responses/",
                self.admin_site.admin_view(self.item_analysis_responses_view),
                name="quiz_quiz_item_analysis_responses",
            ),
            path(
                "<int:object_id>/item-analysis/responses.csv",
                self.admin_site.admin_view(self.item_analysis_responses_csv_view),
                name="quiz_quiz_item_analysis_responses_csv",
            ),
            path(
                "<int:object_id>/item-analysis/statistics.csv",
                self.admin_site.admin_view(self.item_analysis_statistics_csv_view),
                name="quiz_quiz_item_analysis_statistics_csv",
            ),
            *super().get_urls(),
        ]

    def item_quality_view(self, request, object_id):
        """Every item-writing warning of the quiz's questions, by step and question, with the rules behind them."""
        quiz = get_object_or_404(Quiz.objects.select_related("case"), pk=object_id)
        if not self.has_view_permission(request, quiz):
            raise PermissionDenied
        steps = quiz_warnings(quiz)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Item quality: {quiz}",
            "quiz": quiz,
            "opts": self.model._meta,
            "steps": steps,
            "warning_count": sum(len(q.warnings) for s in steps for q in s.questions),
            "rules": all_rules(),
        }
        return TemplateResponse(request, "admin/quiz/item_quality.html", context)

    def _analysis_page(self, request, object_id, title: str):
        """What both item-analysis pages start from: the quiz, its filter of learners, the admin's context.

        Returns (quiz, the attempt filter or None when the filter could not be read, the context).
        """
        quiz = self._analysed_quiz(request, object_id)
        form = AttemptFilterForm(request.GET or None)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{title}: {quiz}",
            "quiz": quiz,
            "opts": self.model._meta,
            "filter_form": form,
        }
        if form.is_bound and not form.is_valid():
            return quiz, None, context
        return quiz, form.attempt_filter() if form.is_bound else NO_FILTER, context

    def item_analysis_view(self, request, object_id):
        """How learners' first attempts went, question by question and option by option (quiz.analysis)."""
        template = "admin/quiz/item_analysis.html"
        quiz, attempt_filter, context = self._analysis_page(request, object_id, "Item analysis")
        context["small_sample_attempts"] = SMALL_SAMPLE_ATTEMPTS
        if attempt_filter is None:
            # The figures of a filter that could not be read would mislead: the form's errors are shown instead.
            return TemplateResponse(request, template, context, status=400)
        analysis = item_analysis(quiz, attempt_filter)
        context |= {
            "analysis": analysis,
            "charts": analysis_charts(analysis),
            "calibration": cohort_calibration(quiz, analysis.attempt_filter),
        }
        return TemplateResponse(request, template, context)

    def item_analysis_responses_view(self, request, object_id):
        """The learners' responses, a page of attempts at a time (the CSV download has them all)."""
        template = "admin/quiz/item_analysis_responses.html"
        quiz, attempt_filter, context = self._analysis_page(request, object_id, "Learners' responses")
        if attempt_filter is None:
            return TemplateResponse(request, template, context, status=400)
        # get_page() turns a page number that is not one (or is past the end) into the nearest page.
        page = Paginator(counted_attempts(quiz, attempt_filter), RESPONSES_PER_PAGE).get_page(request.GET.get("page"))
        offset = (page.number - 1) * RESPONSES_PER_PAGE
        context |= {
            "attempt_filter": attempt_filter,
            "page": page,
            "responses": responses_table(quiz, attempt_filter, offset=offset, limit=RESPONSES_PER_PAGE),
        }
        return TemplateResponse(request, template, context)

    def _attempt_filter(self, request):
        """The item-analysis filter of the request's query string; a 400 response when it can not be read."""
        form = AttemptFilterForm(request.GET or None)
        if not form.is_bound:
            return NO_FILTER, None
        if not form.is_valid():
            problems = " ".join(str(e) for errors in form.errors.values() for e in errors)
            return None, HttpResponseBadRequest(f"The filter could not be read: {problems}", content_type="text/plain")
        return form.attempt_filter(), None

    def _analysed_quiz(self, request, object_id):
        quiz = get_object_or_404(Quiz.objects.select_related("case"), pk=object_id)
        if not self.has_view_permission(request, quiz):
            raise PermissionDenied
        return quiz

    def item_analysis_responses_csv_view(self, request, object_id):
        """The responses table of the item analysis (quiz.analysis.responses_table) as a CSV download."""
        quiz = self._analysed_quiz(request, object_id)
        attempt_filter, bad_request = self._attempt_filter(request)
        if bad_request:
            return bad_request
        return csv_download(f"{quiz.slug}-responses.csv", responses_rows(responses_table(quiz, attempt_filter)))

    def item_analysis_statistics_csv_view(self, request, object_id):
        """The quiz's and the questions' statistics of the item analysis as a CSV download."""
        quiz = self._analysed_quiz(request, object_id)
        attempt_filter, bad_request = self._attempt_filter(request)
        if bad_request:
            return bad_request
        return csv_download(f"{quiz.slug}-statistics.csv", statistics_rows(item_analysis(quiz, attempt_filter)))


# --- Step --------------------------------------------------------------------------------------


class AnsweredKindMixin:
    """The kind of a question learners have answered stays as it is: their stored answers are of that kind."""

    def clean_kind(self):
        kind = self.cleaned_data.get("kind")
        question = self.instance
        if question.pk and kind != question.kind and question.responses.exists():
            raise ValidationError(
                "Learners have answered this question, so its kind cannot change: their answers are of this kind. "
                "Withdraw it and add a new question instead."
            )
        return kind


class QuestionInlineForm(AnsweredKindMixin, forms.ModelForm):
    class Meta:
        model = Question
        fields = ["position", "kind", "prompt", "marks", "withdrawn"]


class QuestionInlineFormSet(forms.BaseInlineFormSet):
    """Each question the step page saves is checked as on its own page, with its saved options, zones or answers.

    A question withdrawn from learners is not asked, so withdrawing a faulty one is always allowed.
    """

    def clean(self):
        super().clean()
        for form in self.forms:
            question = form.instance
            if form.errors or not form.has_changed() or self._should_delete_form(form):
                continue
            if question.withdrawn and question.pk:
                continue
            problems = question_problems(question)
            if not problems:
                continue
            if question.pk:
                lead = "Learners could not answer this question as it would be saved:"
            else:
                lead = (
                    "A question is written on its own page, where its options, zones or accepted answers and its "
                    "figure are set: use “Add a question to this step” at the top of this page. Learners could "
                    "not answer this one:"
                )
            form.add_error(None, [lead, *problems])


class QuestionInline(admin.StackedInline):
    model = Question
    form = QuestionInlineForm
    formset = QuestionInlineFormSet
    extra = 0
    show_change_link = True
    fields = ["position", "kind", "prompt", "marks", "withdrawn"]

    def get_max_num(self, request, obj=None, **kwargs):
        # New questions are added on their own page (the link on the step's page), where their key is written:
        # here they could have none, so no empty question is offered. One posted anyway is refused on its merits.
        return obj.questions.count() if obj is not None and obj.pk else 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "prompt":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 60})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Step)
class StepAdmin(CaseScopedMixin, admin.ModelAdmin):
    form = StepForm
    scoped_model = Step
    list_display = ["__str__", "quiz", "question_count"]
    list_filter = ["quiz"]
    list_select_related = ["quiz"]
    search_fields = ["title", "quiz__title"]
    fields = ["quiz", "position", "title", "introduction", "reveals_sections", "reveals_figures", "withdrawn"]
    inlines = [QuestionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(questions_total=Count("questions"))

    def save_formset(self, request, form, formset, change):
        """Marks changed here change answered questions' scores: logged like any other change of key."""
        if formset.model is not Question:
            return super().save_formset(request, form, formset, change)
        changed = [f.instance for f in formset.initial_forms if f.has_changed() and f.instance.pk]
        before = {q.pk: key_snapshot(q) for q in changed}
        super().save_formset(request, form, formset, change)
        for pk, snapshot in before.items():
            question = Question.objects.filter(pk=pk).first()
            if question is not None:
                record_key_change(request, question, snapshot)

    @admin.display(description="questions", ordering="questions_total")
    def question_count(self, step):
        return step.questions_total


# --- Question ----------------------------------------------------------------------------------


class KindCheckedFormSet(forms.BaseInlineFormSet):
    """Checks the whole question with its grader's rules, using this formset's unsaved rows."""

    row_name = "rows"
    rows_argument = ""  # the kind of child rows (quiz.kinds.base), and their argument to authoring_problems

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = [
            form.instance
            for form in self.forms
            if (form.has_changed() or form.instance.pk) and not self._should_delete_form(form)
        ]
        question = self.instance
        kind = KINDS.get(question.kind)
        if kind is None or kind.rows != self.rows_argument:
            if rows:
                raise ValidationError(
                    f"A {question.get_kind_display().lower()} question does not use {self.row_name}: "
                    f"delete them or change the kind."
                )
            if kind is not None and self._shown_for_saved_kind():
                # A saved question's page shows only its saved kind's rows, so the new kind's key is checked
                # here, with the rows of that kind it has saved (usually none).
                problems = authoring_problems(question)
                if problems:
                    lead = (
                        f"As a {question.get_kind_display().lower()} question it could not be answered: this page "
                        f"edits the {self.row_name} of its saved kind. Add a new question of that kind instead, "
                        f"or keep this kind."
                    )
                    raise ValidationError([lead, *problems])
            return
        problems = authoring_problems(question, **{self.rows_argument: rows})
        if problems:
            raise ValidationError(problems)

    def _shown_for_saved_kind(self) -> bool:
        """Whether this is the one formset a saved question's page shows: that of its saved kind's rows."""
        if not self.instance.pk:
            return False
        saved = KINDS.get(Question.objects.filter(pk=self.instance.pk).values_list("kind", flat=True).first())
        return saved is not None and saved.rows == self.rows_argument


class OptionFormSet(KindCheckedFormSet):
    row_name = "options"
    rows_argument = OPTIONS


class ZoneFormSet(KindCheckedFormSet):
    row_name = "zones"
    rows_argument = ZONES


class AnswerFormSet(KindCheckedFormSet):
    row_name = "accepted answers"
    rows_argument = ANSWERS


class OptionInline(CaseScopedMixin, admin.StackedInline):
    model = Option
    formset = OptionFormSet
    scoped_model = Question
    extra = 0
    fields = [("key", "position"), "text", ("weight", "is_true", "match_key"), "feedback", "key_points"]
    verbose_name = "option, statement, stem, choice or item"
    verbose_name_plural = "options, statements, stems, choices or items"

    def get_fields(self, request, obj=None):
        """A saved question shows only the option fields its kind uses (no "statement is true" on a single best)."""
        kind = kind_of(obj)
        if kind is None:
            return super().get_fields(request, obj)
        return [("key", "position"), "text", *([tuple(kind.option_fields)] if kind.option_fields else []),
                "feedback", "key_points"]  # fmt: skip


class ZoneForm(forms.ModelForm):
    class Meta:
        model = Zone
        fields = ["key", "label", "shape", "coordinates", "correct", "feedback", "key_points"]
        widgets = {"coordinates": forms.TextInput(attrs={"size": 40, "class": "zone-coordinates"})}


class ZoneInline(CaseScopedMixin, admin.StackedInline):
    model = Zone
    form = ZoneForm
    formset = ZoneFormSet
    scoped_model = Question
    extra = 0
    fields = [("key", "label"), ("shape", "coordinates", "correct"), "feedback", "key_points"]


class AcceptedAnswerInline(CaseScopedMixin, admin.StackedInline):
    model = AcceptedAnswer
    formset = AnswerFormSet
    scoped_model = Question
    extra = 0
    fields = [("key", "text", "fraction"), "feedback", "key_points"]


class QuestionForm(AnsweredKindMixin, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A JSON field's hidden "initial" copy carries aria attributes, which a hidden input may not have.
        self.fields["settings"].show_hidden_initial = False

    class Meta:
        model = Question
        fields = [
            "step",
            "position",
            "kind",
            "prompt",
            "marks",
            "figure",
            "hint",
            "feedback",
            "key_points",
            "settings",
            "withdrawn",
        ]

    def clean(self):
        cleaned = super().clean()
        kind, figure, step = cleaned.get("kind"), cleaned.get("figure"), cleaned.get("step")
        needs_figure = kind in KINDS and KINDS[kind].needs_figure
        if needs_figure and not figure:
            self.add_error("figure", "This kind of question needs the figure the learner marks.")
        if figure and step:
            for problem in figure_problems(Question(step=step, kind=kind or "", figure=figure)):
                self.add_error("figure", problem)
        if not isinstance(cleaned.get("settings"), dict):
            self.add_error("settings", 'Settings must be written as {"name": value}, or {} for none.')
        if step and any(point.case_id != step.quiz.case_id for point in cleaned.get("key_points") or []):
            self.add_error("key_points", OTHER_CASES_KEY_POINT)
        return cleaned


@admin.register(Question)
class QuestionAdmin(CaseScopedMixin, admin.ModelAdmin):
    form = QuestionForm
    scoped_model = Question
    list_display = ["__str__", "step", "kind", "marks"]
    list_filter = ["kind", "step__quiz"]
    list_select_related = ["step__quiz"]
    search_fields = ["prompt", "step__title", "step__quiz__title"]
    inlines = [OptionInline, ZoneInline, AcceptedAnswerInline]
    readonly_fields = ["zone_editor", "item_warnings"]

    class Media:
        js = ["js/zone-editor.js"]
        css = {"all": ["css/admin-quiz.css"]}

    def get_inline_instances(self, request, obj=None):
        """A saved question shows the child rows its kind uses; a new one (kind not chosen yet) shows them all."""
        inlines = super().get_inline_instances(request, obj)
        kind = kind_of(obj)
        if kind is None:
            return inlines
        return [inline for inline in inlines if inline.formset.rows_argument == kind.rows]

    def get_fieldsets(self, request, obj=None):
        kind = kind_of(obj)
        if kind is not None and not kind.needs_figure:
            return [
                (None, {"fields": ["step", "position", "kind", "prompt", "marks", "withdrawn"],
                        "description": scoring_rules_html()}),
                ("Feedback", {"fields": ["hint", "feedback", "key_points", "settings"]}),
                *warnings_fieldset(obj),
            ]  # fmt: skip
        return [
            (
                None,
                {
                    "fields": ["step", "position", "kind", "prompt", "marks", "withdrawn"],
                    "description": scoring_rules_html(),
                },
            ),  # fmt: skip
            # Headed by the kinds that use it (its label names the kind; the figure is theirs alone).
            (" / ".join(k.label for k in all_kinds() if k.needs_figure), {"fields": ["figure", "zone_editor"]}),
            ("Feedback", {"fields": ["hint", "feedback", "key_points", "settings"]}),
            *warnings_fieldset(obj),
        ]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("settings", {})
        return initial

    # --- learners' answers outlive a change of key ----------------------------------------------

    def save_model(self, request, obj, form, change):
        if change:
            form.key_before = key_snapshot(Question.objects.get(pk=obj.pk))
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(form, "key_before", None)
        if before is not None:
            record_key_change(request, Question.objects.get(pk=form.instance.pk), before)
        # Item-writing warnings never block a save; after "Save" the educator leaves the page, so say so here.
        found = question_warnings(form.instance)
        if found:
            url = reverse("admin:quiz_question_change", args=[form.instance.pk])
            messages.warning(
                request,
                format_html(
                    '“{}” has {} item-writing warning{}: see them on <a href="{}">its page</a>.',
                    form.instance,
                    len(found),
                    "" if len(found) == 1 else "s",
                    url,
                ),
            )

    def get_urls(self):
        regrade = self.admin_site.admin_view(self.regrade_view)
        return [path("<int:object_id>/regrade/", regrade, name="quiz_question_regrade"), *super().get_urls()]

    def regrade_view(self, request, object_id):
        """Confirm, then grade every learner's answer to this question again with its current key."""
        question = get_object_or_404(Question.objects.select_related("step__quiz"), pk=object_id)
        if not self.has_change_permission(request, question):
            raise PermissionDenied
        if request.method == "POST":
            changed = question_regrade(question=question, user=request.user)
            self.message_user(request, f"Regraded: {changed} grade{'s' if changed != 1 else ''} changed.")
            return HttpResponseRedirect(reverse("admin:quiz_question_change", args=[question.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Regrade learners' answers",
            "question": question,
            "opts": self.model._meta,
            "answers": Response.objects.filter(question=question).count(),
            "attempts": Attempt.objects.filter(step_attempts__responses__question=question).distinct().count(),
            "pending": KeyChange.objects.filter(question=question, regraded_at=None),
        }
        return TemplateResponse(request, "admin/quiz/question/regrade.html", context)

    @admin.display(description="warnings")
    def item_warnings(self, question):
        """What an experienced item writer would point out (quiz.item_quality); saving is never blocked by it."""
        if not question or not question.pk:
            return "–"
        found = question_warnings(question)
        whole_quiz = format_html(
            '<p><a href="{}">Every warning of this quiz</a></p>',
            reverse("admin:quiz_quiz_item_quality", args=[question.step.quiz_id]),
        )
        if not found:
            return format_html("<p>None: the item-writing checks find nothing to point out.</p>{}", whole_quiz)
        return format_html(
            '<ul class="item-warnings">{}</ul>{}',
            format_html_join(
                "",
                "<li><strong>{}</strong> <code>{}</code><br>{}<br><em>Why:</em> {}<br>"
                "<em>Example of a fix:</em> {}</li>",
                ((w.title, w.rule, w.message, w.why, w.fix) for w in found),
            ),
            whole_quiz,
        )

    @admin.display(description="draw zones")
    def zone_editor(self, question):
        """The figure, on which educators draw rectangular zones with the mouse."""
        case_id = question.step.quiz.case_id if question and question.pk else None
        figures = Figure.objects.prefetch_related("renditions")
        if case_id:
            figures = figures.filter(case_id=case_id)
        images = {}
        for figure in figures[:200]:
            rendition = figure.fallback(max_width=960)
            if rendition:
                images[str(figure.pk)] = {"url": rendition.file.url, "width": rendition.width,
                                          "height": rendition.height}  # fmt: skip
        return format_html(
            '<div class="zone-editor" data-figures="{}">'
            '<p class="help">Choose the figure above, then draw a zone on the image (a rectangle, an ellipse or a '
            "polygon; zoom in for a small one): it is added to the zones below, in fractions of the image's width "
            "and height. You can also type the numbers. Save to see the zones drawn.</p>"
            '<div class="zone-editor-canvas"></div></div>',
            json.dumps(images),
        )


def record_key_change(request, question: Question, before: dict) -> None:
    """Log a change to an answered question's key, and offer the educator its regrade."""
    record = key_change_record(question=question, before=before, after=key_snapshot(question), user=request.user)
    if record:
        url = reverse("admin:quiz_question_regrade", args=[question.pk])
        messages.warning(
            request,
            format_html(
                "Learners had already answered “{}” ({} answer{}): the change to its key is recorded. Their marks "
                'still follow the old key until you <a href="{}">regrade their answers</a>.',
                question,
                record.responses_affected,
                "" if record.responses_affected == 1 else "s",
                url,
            ),
        )


def warnings_fieldset(question) -> list:
    """The fieldset listing a saved question's item-writing warnings (none for a new question)."""
    if question is None or not question.pk:
        return []
    return [("Item-writing warnings", {"fields": ["item_warnings"],
             "description": "Advice, not errors: the question saves as it is. Each warning names the rule, "
                            "why it matters and an example of a fix."})]  # fmt: skip


def kind_of(question):
    """The kind of a saved question, or None for a new one (or a kind that no longer exists)."""
    if question is None or not question.pk:
        return None
    try:
        return get_kind(question.kind)
    except KeyError:
        return None


class PreviewFilter(admin.SimpleListFilter):
    title = "kind of attempt"
    parameter_name = "preview"

    def lookups(self, request, model_admin):
        return [("no", "Learners"), ("yes", "Educator previews")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(is_preview=False)
        if self.value() == "yes":
            return queryset.filter(is_preview=True)
        return queryset


class RecordAdmin(admin.ModelAdmin):
    """A record of what happened: read in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(RecordAdmin):
    """How learners did. Attempts are the learners' own record: educators read them, never edit them."""

    list_display = ["quiz", "learner", "state", "score_display", "started_at", "finished_at", "is_preview"]
    list_filter = [PreviewFilter, "state", "quiz"]
    list_select_related = ["quiz", "user"]
    search_fields = ["user__username", "quiz__title"]
    date_hierarchy = "started_at"
    # Named one by one: nothing that identifies a browser (its owner hash) or seeds a shuffle is shown.
    fields = [
        "quiz",
        "learner",
        "mode",
        "is_preview",
        "state",
        "current_position",
        "score_display",
        "started_at",
        "finished_at",
    ]
    readonly_fields = fields

    def has_delete_permission(self, request, obj=None):
        # An educator may delete their own previews (to tidy up, or to delete a question only previews answered);
        # a learner's attempt is their record and is never deleted here.
        return (
            obj is not None
            and obj.is_preview
            and obj.user_id == request.user.pk
            and admin.ModelAdmin.has_delete_permission(self, request, obj)
        )

    @admin.display(description="learner")
    def learner(self, attempt):
        return attempt.user or "anonymous"

    @admin.display(description="score")
    def score_display(self, attempt):
        if attempt.score is None:
            return "–"
        return f"{attempt.score:g} / {attempt.max_score:g}"

    def view_on_site(self, attempt):
        return None


@admin.register(KeyChange)
class KeyChangeAdmin(RecordAdmin):
    """The log of changes to keys of answered questions: read-only, for the record."""

    list_display = ["question", "changed_by", "changed_at", "responses_affected", "regraded_at", "grades_changed"]
    list_select_related = ["question", "changed_by"]
    list_filter = ["question__step__quiz"]
    fields = [
        "question",
        "changed_by",
        "changed_at",
        "before",
        "after",
        "responses_affected",
        "regraded_at",
        "regraded_by",
        "grades_changed",
    ]
    readonly_fields = fields
