"""What a teaching case is made of: the case, its sections, figures, references and key points."""

from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property

from cases.markup import render_markdown


class CaseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Case.Status.PUBLISHED)

    def visible_to(self, user):
        """Staff see drafts (to preview them); everyone else sees published cases only."""
        if user.is_authenticated and user.is_staff:
            return self
        return self.published()

    def search(self, query: str, shown_only: set[int] | frozenset[int] = frozenset()):
        """Cases whose title, teaser, keywords or specialty contain every word of the query.

        For the cases in ``shown_only`` only what the case list shows is searched (title, teaser,
        specialty): their keywords name what a learner is still to work out.
        """
        for word in query.split():
            self = self.filter(
                Q(title__icontains=word)
                | Q(teaser__icontains=word)
                | (Q(keywords__icontains=word) & ~Q(pk__in=shown_only))
                | Q(specialty__icontains=word)
            )
        return self


class Case(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft (visible to staff only)"
        PUBLISHED = "published", "Published (visible to everyone)"

    title = models.CharField(
        "title", max_length=200, help_text="The case's title as learners see it, e.g. 'Calcinosis cutis'."
    )
    slug = models.SlugField(
        "web address",
        max_length=200,
        unique=True,
        help_text="The last part of the case's web address. Filled in from the title; letters, digits and hyphens.",
    )
    teaser = models.CharField(
        "one-line teaser",
        max_length=255,
        help_text="One sentence shown on the home page that makes a learner want to open the case. "
        "Do not give the diagnosis away.",
    )
    status = models.CharField(
        "status",
        max_length=20,
        choices=Status,
        default=Status.DRAFT,
        help_text="Drafts are visible only to staff. Publish when the case is ready for learners.",
    )
    specialty = models.CharField(
        "specialty", max_length=100, blank=True, help_text="The clinical specialty, e.g. 'Rheumatology'."
    )
    keywords = models.CharField(
        "keywords",
        max_length=300,
        blank=True,
        help_text="Words learners might search for, separated by commas, e.g. 'calcinosis cutis, elbow'.",
    )
    source_authors = models.CharField(
        "source authors",
        max_length=500,
        blank=True,
        help_text="Authors of the published case report this case is taken from, as in a citation.",
    )
    source_title = models.CharField(
        "source title", max_length=300, blank=True, help_text="Title of the published case report."
    )
    source_journal = models.CharField(
        "source journal", max_length=200, blank=True, help_text="Journal that published the case report."
    )
    source_year = models.PositiveSmallIntegerField(
        "source year", null=True, blank=True, help_text="Year the case report was published."
    )
    source_doi = models.CharField(
        "DOI",
        max_length=200,
        blank=True,
        help_text="The report's Digital Object Identifier, e.g. '10.1136/bcr.01.2011.3732' (without https://doi.org/).",
    )
    source_url = models.URLField(
        "source web address", blank=True, help_text="Where learners can read the original report."
    )
    licence = models.CharField(
        "licence",
        max_length=300,
        blank=True,
        help_text="The licence or permission under which this material is used for teaching.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("last changed", auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = "case"
        verbose_name_plural = "cases"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("cases:detail", kwargs={"slug": self.slug})

    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.keywords.split(",") if word.strip()]

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.source_doi}" if self.source_doi else ""

    @property
    def source_link(self) -> str:
        return self.doi_url or self.source_url

    @property
    def citation(self) -> str:
        """The source as a reference-list entry: authors. Title. Journal Year. doi:..."""
        parts = [self.source_authors, self.source_title]
        journal = " ".join(str(p) for p in (self.source_journal, self.source_year) if p)
        parts.append(journal)
        if self.source_doi:
            parts.append(f"doi:{self.source_doi}")
        return ". ".join(p.strip().rstrip(".") for p in parts if p and p.strip()) + "."


class Section(models.Model):
    class Kind(models.TextChoices):
        PRESENTATION = "presentation", "Presentation"
        EXAMINATION = "examination", "Examination"
        INVESTIGATIONS = "investigations", "Investigations"
        DISCUSSION = "discussion", "Discussion"
        OUTCOME = "outcome", "Outcome"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sections", verbose_name="case")
    position = models.PositiveSmallIntegerField(
        "position", help_text="Order on the page: 1 comes first. Each section of a case needs its own number."
    )
    kind = models.CharField(
        "kind",
        max_length=20,
        choices=Kind,
        default=Kind.OTHER,
        help_text="What part of the case this is. Quizzes use it to reveal the case step by step.",
    )
    heading = models.CharField(
        "heading", max_length=200, help_text="The heading learners see, e.g. 'Radiographs and laboratory findings'."
    )
    body = models.TextField(
        "text",
        help_text="Written in Markdown: a blank line starts a new paragraph, *italic*, **bold**, "
        "'- ' starts a bullet. Scripts and unsafe links are removed when the page is shown.",
    )

    class Meta:
        ordering = ["case", "position"]
        constraints = [models.UniqueConstraint(fields=["case", "position"], name="section_unique_position")]
        verbose_name = "section"
        verbose_name_plural = "sections"

    def __str__(self):
        return self.heading

    @cached_property
    def body_html(self):
        return render_markdown(self.body)


class Figure(models.Model):
    class Modality(models.TextChoices):
        CLINICAL_PHOTOGRAPH = "clinical_photograph", "Clinical photograph"
        RADIOGRAPH = "radiograph", "Radiograph"
        OTHER = "other", "Other"

    class Window(models.TextChoices):
        # The keys and CT values are those of cases.dicom.WINDOWS and CT_PRESETS (a test keeps them equal).
        FROM_FILE = "file", "From the file (the full pixel range if the file has no window)"
        FULL_RANGE = "range", "Full range (darkest pixel black, brightest white)"
        SOFT_TISSUE = "soft_tissue", "CT soft tissue (width 350, level 50 HU)"
        BONE = "bone", "CT bone (width 2000, level 500 HU)"
        LUNG = "lung", "CT lung (width 1600, level −600 HU)"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="figures", verbose_name="case")
    position = models.PositiveSmallIntegerField("position", help_text="Order among the case's figures: 1 comes first.")
    label = models.CharField(
        "panel label", max_length=10, help_text="The figure's label as the text refers to it, e.g. '1A'."
    )
    caption = models.TextField("caption", help_text="The caption shown under the figure.")
    alt_text = models.CharField(
        "text alternative",
        max_length=500,
        help_text="What the image shows, for learners who cannot see it (read aloud by screen readers). "
        "Describe the findings, e.g. 'Left elbow with several firm whitish nodules under the skin'.",
    )
    assessed_alt_text = models.CharField(
        "text alternative while assessed",
        max_length=300,
        blank=True,
        help_text="Names the image without its findings, used while a question asks learners to find something "
        "on it, e.g. 'Lateral radiograph of a flexed left elbow'. The text alternative above is used once they "
        "have answered. Left blank, the modality and body site are used, e.g. 'Radiograph of the left elbow'.",
    )
    modality = models.CharField(
        "modality",
        max_length=30,
        choices=Modality,
        default=Modality.CLINICAL_PHOTOGRAPH,
        help_text="What kind of image this is.",
    )
    body_site = models.CharField("body site", max_length=100, blank=True, help_text="e.g. 'Left elbow'.")
    is_illustration = models.BooleanField(
        "illustration, not the patient's image",
        default=False,
        help_text="Tick when the image is a drawing or schematic rather than an image of the patient. "
        "Learners are told so next to the figure.",
    )
    source = models.CharField(
        "image source",
        max_length=300,
        blank=True,
        help_text="Where the image comes from, e.g. the report's Figure 1A, or 'Drawn for this site'.",
    )
    licence = models.CharField(
        "image licence", max_length=300, blank=True, help_text="The licence or permission for using this image."
    )
    consent_recorded = models.BooleanField(
        "consent for teaching use recorded",
        default=False,
        help_text="Tick only when the patient's consent to use this image for teaching is on record.",
    )
    # How a DICOM upload is turned into the figure's image (cases.dicom); ignored for JPEG, PNG and WebP.
    dicom_window = models.CharField(
        "DICOM window",
        max_length=20,
        choices=Window,
        default=Window.FROM_FILE,
        help_text="For a DICOM file only: which range of grey levels to show. 'From the file' uses the window "
        "the scanner or PACS stored with the image. The CT presets fit CT images only. Changing it re-renders "
        "the stored DICOM file; no new upload is needed.",
    )
    dicom_frame = models.PositiveIntegerField(
        "DICOM frame",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="For a DICOM file with several frames (a stack of slices or a cine loop): which frame to "
        "show, counted from 1. Left blank, the middle frame is shown.",
    )
    # Set by the image pipeline (cases.services.figure_attach_image), never typed in.
    master_name = models.CharField(max_length=300, blank=True, editable=False)
    # The de-identified DICOM file the image was rendered from, in private storage; never served.
    dicom_name = models.CharField(max_length=300, blank=True, editable=False)
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "position"], name="figure_unique_position"),
            models.UniqueConstraint(fields=["case", "label"], name="figure_unique_label"),
        ]
        verbose_name = "figure"
        verbose_name_plural = "figures"

    def __str__(self):
        return f"Figure {self.label}"

    def get_absolute_url(self):
        return reverse("cases:figure", kwargs={"slug": self.case.slug, "label": self.label})

    # Rendition helpers read the prefetched ``renditions`` so a page of figures costs one query.
    def _renditions(self, image_format: str) -> list["FigureRendition"]:
        return sorted((r for r in self.renditions.all() if r.format == image_format), key=lambda r: r.width)

    def srcset(self, image_format: str) -> str:
        renditions = self._renditions(image_format)
        if not renditions:
            return ""
        storage = renditions[0].file.storage
        entries = tuple((r.file.name, r.width) for r in renditions)
        return _srcset(storage, getattr(storage, "base_url", None), entries)

    @property
    def webp_srcset(self) -> str:
        return self.srcset(FigureRendition.Format.WEBP)

    @property
    def jpeg_srcset(self) -> str:
        return self.srcset(FigureRendition.Format.JPEG)

    def fallback(self, max_width: int = 960) -> "FigureRendition | None":
        """The JPEG for browsers without srcset: the widest one no wider than max_width."""
        jpegs = self._renditions(FigureRendition.Format.JPEG)
        if not jpegs:
            return None
        fitting = [r for r in jpegs if r.width <= max_width]
        return fitting[-1] if fitting else jpegs[0]

    @property
    def thumbnail(self) -> "FigureRendition | None":
        jpegs = self._renditions(FigureRendition.Format.JPEG)
        return jpegs[0] if jpegs else None

    @property
    def large(self) -> "FigureRendition | None":
        return self.fallback(max_width=1920)

    @property
    def has_image(self) -> bool:
        return bool(self.master_name)

    @property
    def is_from_dicom(self) -> bool:
        return bool(self.dicom_name)


@lru_cache(maxsize=8192)
def _srcset(storage, base_url: str | None, entries: tuple[tuple[str, int], ...]) -> str:
    """A ``srcset`` from renditions' file names and widths, memoised by exactly those.

    Each address costs a storage ``url()`` call (quoting, joining); a 30-figure page asked for 300 of them per
    request (5.3 ms). A rendition's address depends only on its file name and the storage (the
    public bucket's addresses are unsigned, so they do not expire), and a new rendition gets a new name, so the
    memo is right in every process without being told of changes. ``base_url`` is in the key for tests that
    change MEDIA_URL.
    """
    return ", ".join(f"{storage.url(name)} {width}w" for name, width in entries)


class FigureRendition(models.Model):
    """One resized, re-encoded copy of a figure, made once at upload. Pages serve only these."""

    class Format(models.TextChoices):
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"

    figure = models.ForeignKey(Figure, on_delete=models.CASCADE, related_name="renditions")
    format = models.CharField(max_length=10, choices=Format)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    file = models.FileField(max_length=300)

    class Meta:
        ordering = ["figure", "format", "width"]
        constraints = [
            models.UniqueConstraint(fields=["figure", "format", "width"], name="rendition_unique_size"),
        ]
        verbose_name = "figure rendition"
        verbose_name_plural = "figure renditions"

    def __str__(self):
        return f"{self.figure} {self.width}px {self.format}"


class Reference(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="references", verbose_name="case")
    number = models.PositiveSmallIntegerField(
        "number", help_text="The number the case text uses to cite this reference, e.g. 1."
    )
    citation = models.TextField(
        "citation", help_text="The reference as it appears in the report's reference list, or what is known of it."
    )
    url = models.URLField("web address", blank=True, help_text="A link to the reference, if it is online.")

    class Meta:
        ordering = ["case", "number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="reference_unique_number")]
        verbose_name = "reference"
        verbose_name_plural = "references"

    def __str__(self):
        return f"[{self.number}] {self.citation[:80]}"


class KeyPoint(models.Model):
    """One step of the published reasoning, resting on a sentence quoted from the source."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="key_points", verbose_name="case")
    position = models.PositiveSmallIntegerField("position", help_text="Order in the case's key points: 1 comes first.")
    key = models.SlugField(
        "short name",
        max_length=80,
        help_text="A short, stable name for this key point, e.g. 'normal-calcium-phosphate'. "
        "Quiz questions refer to it, so change it with care.",
    )
    statement = models.TextField(
        "statement",
        help_text="The teaching point in one or two sentences, e.g. 'Normal serum calcium and phosphate "
        "argue against metastatic calcinosis.'",
    )
    quote = models.TextField(
        "quoted sentence from the source",
        help_text="The exact sentence of the published report that this point rests on, copied word for word. "
        "Where a point joins two sentences that are not next to each other, separate them with ' … '. "
        "Learners see it as the evidence behind their feedback.",
    )
    teaching_note = models.TextField(
        "teaching note (not from the report)",
        blank=True,
        help_text="Optional general teaching text that is not in the report. Learners see it labelled "
        "'Teaching note, not from the report'.",
    )
    reference = models.ForeignKey(
        Reference,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_points",
        verbose_name="reference",
        help_text="The reference the quoted sentence cites, if it cites one.",
    )

    class Meta:
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "position"], name="keypoint_unique_position"),
            models.UniqueConstraint(fields=["case", "key"], name="keypoint_unique_key"),
        ]
        verbose_name = "key point"
        verbose_name_plural = "key points"

    def __str__(self):
        return self.statement[:80]

    def clean(self):
        if self.reference_id and self.case_id and self.reference.case_id != self.case_id:
            raise ValidationError({"reference": "Choose a reference of this case."})
