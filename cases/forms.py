from django import forms
from django.conf import settings

from cases.images import ImageRejected, clean_upload
from cases.models import Figure


class FigureForm(forms.ModelForm):
    """A figure with its image upload. The upload goes through the image pipeline in cases.images."""

    upload = forms.FileField(
        label="image",
        required=False,
        help_text=(
            "A JPEG, PNG or WebP image, at most "
            f"{settings.FIGURE_MAX_UPLOAD_BYTES // (1024 * 1024)} MB. It is turned upright, stripped of "
            "all hidden data (camera, date, GPS location) and resized for phones and projectors. "
            "Leave empty to keep the current image."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = Figure
        fields = [
            "position",
            "label",
            "upload",
            "caption",
            "alt_text",
            "assessed_alt_text",
            "modality",
            "body_site",
            "is_illustration",
            "source",
            "licence",
            "consent_recorded",
        ]
        widgets = {"caption": forms.Textarea(attrs={"rows": 2}), "alt_text": forms.Textarea(attrs={"rows": 2})}

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        try:
            return clean_upload(
                upload, max_bytes=settings.FIGURE_MAX_UPLOAD_BYTES, max_pixels=settings.FIGURE_MAX_PIXELS
            )
        except ImageRejected as rejected:
            raise forms.ValidationError(str(rejected), code="image_rejected") from None

    def clean(self):
        cleaned = super().clean()
        has_image = self.instance.pk and self.instance.has_image
        if not has_image and not cleaned.get("upload") and "upload" not in self.errors:
            self.add_error("upload", "Choose an image for this figure.")
        return cleaned
