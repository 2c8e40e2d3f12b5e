from django.contrib import admin
from django.utils.html import format_html

from cases.forms import FigureForm
from cases.models import Case, Figure, KeyPoint, Reference, Section
from cases.services import figure_attach_upload


def figure_preview(figure: Figure):
    thumbnail = figure.thumbnail if figure.pk else None
    if not thumbnail:
        return "No image yet"
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}" class="figure-admin-preview">',
        thumbnail.file.url,
        160,
        round(160 * thumbnail.height / thumbnail.width),
        f"Preview of figure {figure.label}",
    )


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = ["position", "kind", "heading", "body"]


class FigureInline(admin.StackedInline):
    model = Figure
    form = FigureForm
    extra = 0
    readonly_fields = ["preview"]
    fieldsets = [
        (None, {"fields": ["preview", "position", "label", "upload", "caption", "alt_text", "assessed_alt_text"]}),
        (
            "DICOM files",
            {
                "description": "Only for an image uploaded as a DICOM file: how it is turned into the picture "
                "learners see.",
                "fields": ["dicom_window", "dicom_frame"],
            },
        ),
        ("What it shows", {"fields": ["modality", "body_site", "is_illustration"]}),
        ("Provenance", {"fields": ["source", "licence", "consent_recorded"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    @admin.display(description="current image")
    def preview(self, figure):
        return figure_preview(figure)


class ReferenceInline(admin.StackedInline):
    model = Reference
    extra = 0
    fields = ["number", "citation", "url"]


class KeyPointInline(admin.StackedInline):
    model = KeyPoint
    extra = 0
    fields = ["position", "key", "statement", "quote", "reference"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only this case's references.
        if db_field.name == "reference":
            case_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Reference.objects.filter(case_id=case_id) if case_id else Reference.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def attach_uploaded_images(forms):
    for form in forms:
        upload = getattr(form, "cleaned_data", {}).get("upload")
        if upload and form.instance.pk and not form.cleaned_data.get("DELETE"):
            figure_attach_upload(figure=form.instance, upload=upload)


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "specialty", "updated_at"]
    list_filter = ["status", "specialty"]
    search_fields = ["title", "teaser", "keywords", "specialty", "source_authors"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SectionInline, FigureInline, ReferenceInline, KeyPointInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "teaser", "status", "specialty", "keywords"]}),
        (
            "Source",
            {
                "description": "The published case report this case is taken from.",
                "fields": [
                    "source_authors",
                    "source_title",
                    "source_journal",
                    "source_year",
                    "source_doi",
                    "source_url",
                    "licence",
                ],
            },
        ),
    ]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Figure:
            attach_uploaded_images(formset.forms)


@admin.register(Figure)
class FigureAdmin(admin.ModelAdmin):
    form = FigureForm
    list_display = ["__str__", "case", "modality", "body_site", "is_illustration"]
    list_filter = ["modality", "is_illustration", "case"]
    search_fields = ["label", "caption", "alt_text", "case__title"]
    list_select_related = ["case"]
    readonly_fields = ["preview"]
    fieldsets = [(None, {"fields": ["case"]}), *FigureInline.fieldsets]

    @admin.display(description="current image")
    def preview(self, figure):
        return figure_preview(figure)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        attach_uploaded_images([form])
