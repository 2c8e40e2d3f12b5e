from django import forms
from django.conf import settings

from cases.dicom import FROM_FILE, DicomChoiceRejected, clean_figure_upload, read_dicom
from cases.images import ImageRejected
from cases.models import Figure
from cases.services import figure_stored_dicom


class FigureForm(forms.ModelForm):
    """A figure with its image upload. The upload goes through the image pipeline in cases.images, or
    cases.dicom for a DICOM file; the DICOM window and frame are read here too, since they decide how a
    DICOM file becomes the image. ``cleaned_data["upload"]`` holds the result (a CleanImage or a
    DicomUpload) for cases.services.figure_attach_upload.
    """

    upload = forms.FileField(
        label="image",
        required=False,
        help_text=(
            "A JPEG, PNG or WebP image, or a DICOM file (.dcm), at most "
            f"{settings.FIGURE_MAX_UPLOAD_BYTES // (1024 * 1024)} MB. It is turned upright, stripped of "
            "all hidden data (camera, date, GPS location) and resized for phones and projectors. A DICOM file is "
            "shown with the window and frame below, and kept only privately, with the patient's details removed. "
            "Leave empty to keep the current image."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/dicom,.dcm"}),
    )

    class Meta:
        model = Figure
        fields = [
            "position",
            "label",
            "upload",
            "dicom_window",
            "dicom_frame",
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only DICOM uploads use it: a form posted without it (a photograph) keeps the default.
        self.fields["dicom_window"].required = False

    def clean_dicom_window(self):
        return self.cleaned_data.get("dicom_window") or self.instance.dicom_window or FROM_FILE

    def clean_upload(self):
        # Read and checked in clean(), once the DICOM window and frame are known.
        return self.cleaned_data.get("upload") or None

    def clean(self):
        cleaned = super().clean()
        window = cleaned.get("dicom_window") or FROM_FILE
        frame = cleaned.get("dicom_frame")
        upload = cleaned.get("upload")
        try:
            if upload:
                cleaned["upload"] = clean_figure_upload(
                    upload,
                    max_bytes=settings.FIGURE_MAX_UPLOAD_BYTES,
                    max_pixels=settings.FIGURE_MAX_PIXELS,
                    window=window,
                    frame=frame,
                )
            elif self._dicom_choice_changed():
                # A new window or frame for the DICOM file already stored: render it again, no upload needed.
                cleaned["upload"] = read_dicom(
                    figure_stored_dicom(self.instance),
                    window=window,
                    frame=frame,
                    max_pixels=settings.FIGURE_MAX_PIXELS,
                )
        except DicomChoiceRejected as rejected:
            cleaned["upload"] = None
            self.add_error(rejected.field, forms.ValidationError(str(rejected), code="dicom_choice"))
        except ImageRejected as rejected:
            cleaned["upload"] = None
            self.add_error("upload", forms.ValidationError(str(rejected), code="image_rejected"))
        has_image = self.instance.pk and self.instance.has_image
        if (
            not has_image
            and not cleaned.get("upload")
            and not {"upload", "dicom_window", "dicom_frame"} & set(self.errors)
        ):
            self.add_error("upload", "Choose an image for this figure.")
        return cleaned

    def _dicom_choice_changed(self) -> bool:
        return bool(
            self.instance.pk
            and self.instance.dicom_name
            # Only fields the form really posted: a form without them (not the admin's) keeps the image.
            and {name for name in ("dicom_window", "dicom_frame") if self.add_prefix(name) in self.data}
            & set(self.changed_data)
            and not {"dicom_window", "dicom_frame"} & set(self.errors)
        )
