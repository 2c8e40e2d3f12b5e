"""DICOM uploads: read a radiograph's DICOM file, render one frame for the web, de-identify the file.

An educator in radiology exports images as DICOM (``.dcm``). The site takes such a file as a figure's image:

1. It is recognised by its content (the ``DICM`` signature of a DICOM Part 10 file), never by its name, and
   read with pydicom. A damaged, truncated or unreadable file is refused with a message (``ImageRejected``).
2. A file whose header says ``BurnedInAnnotation = YES`` is refused: text burned into the pixels (a name,
   a date of birth) cannot be removed by cleaning the header.
3. One frame is decoded (the educator's choice; the middle frame by default, where a stack of slices is
   most likely to show the region it was taken for). Compressed transfer syntaxes are decoded by pydicom's
   plug-ins: pylibjpeg with pylibjpeg-libjpeg (JPEG, JPEG lossless, JPEG-LS) and pylibjpeg-openjpeg
   (JPEG 2000); RLE is built into pydicom.
4. Grey levels are made as a DICOM viewer makes them: the modality LUT (rescale slope and intercept, e.g.
   to Hounsfield units), then the window (``WINDOWS``: the file's own VOI LUT or window centre and width,
   the full pixel range, or a standard CT preset), then MONOCHROME1 inverted so bone is white. The 8-bit
   result goes through the same last step as any upload (``cases.images.clean_pixels``): pixels only.
5. The DICOM file itself is de-identified (``deidentify``) before it is stored, privately, so the figure
   can be rendered again with another window or frame without asking the educator for the file again.
"""

import io
from dataclasses import dataclass

import numpy as np
import pydicom
from dicomanonymizer import simpledicomanonymizer
from dicomanonymizer.simpledicomanonymizer import anonymize_dataset, initialize_actions
from PIL import Image
from pydicom.errors import InvalidDicomError
from pydicom.pixels import apply_modality_lut, apply_voi, apply_windowing, pixel_array

from cases.images import CleanImage, ImageRejected, clean_pixels, clean_upload, read_limited, stretch_to_8_bit

# The de-identification rules: DICOM PS3.15 Table E.1-1 (Basic Application Level Confidentiality Profile),
# as published in the 2026c edition of the standard and shipped by dicom-anonymizer.
PROFILE_EDITION = "dicomfields_2026c"
DEIDENTIFICATION_METHOD = "PS3.15 E.1 Basic Profile, dicom-anonymizer 2026c"  # LO: 64 characters at most
# CID 7050 "De-identification Method": the codes recorded in the file for what was done to it.
BASIC_PROFILE_CODE = ("113100", "DCM", "Basic Application Confidentiality Profile")

FROM_FILE = "file"
FULL_RANGE = "range"
# Standard CT windows as (centre, width) in Hounsfield units, as taught in radiology (e.g. the soft tissue
# W:350 L:50, bone W:2000 L:500 and lung W:1600 L:-600 settings of "CT-scan windowing", T. J. Aldeen,
# radiologist). They mean something only for CT, whose pixels are Hounsfield units after the modality LUT.
CT_PRESETS: dict[str, tuple[float, float]] = {
    "soft_tissue": (50, 350),
    "bone": (500, 2000),
    "lung": (-600, 1600),
}
WINDOWS = (FROM_FILE, FULL_RANGE, *CT_PRESETS)

DAMAGED_DICOM = (
    "The DICOM file is damaged or incomplete (it may have been cut off while copying), or its image cannot be "
    "read. Export it again from the viewer or PACS and upload the new file."
)


class DicomChoiceRejected(ImageRejected):
    """The file is fine, but the window or frame the educator chose does not fit it."""

    def __init__(self, message: str, *, field: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class DicomUpload:
    """A DICOM upload, ready to store: the rendered frame and the de-identified file."""

    image: CleanImage
    deidentified: bytes
    frame_count: int
    frame: int  # counted from 1, as the educator chose it (or the default)


def is_dicom(data: bytes) -> bool:
    """A DICOM Part 10 file: 128 bytes of preamble, then ``DICM``."""
    return len(data) >= 132 and data[128:132] == b"DICM"


def frame_count(dataset: pydicom.Dataset) -> int:
    try:
        return max(1, int(dataset.get("NumberOfFrames") or 1))
    except (TypeError, ValueError):
        return 1


def default_frame(count: int) -> int:
    """The middle frame (counted from 1): in a stack of slices, the one most likely to show the region."""
    return (count + 1) // 2


def read_dicom(data: bytes, *, window: str = FROM_FILE, frame: int | None = None, max_pixels: int) -> DicomUpload:
    """Check a DICOM file, render the chosen frame through its LUTs and window, and de-identify it."""
    dataset = _parse(data)
    if str(dataset.get("BurnedInAnnotation", "")).strip().upper() == "YES":
        raise ImageRejected(
            "This DICOM file says it has burned-in annotation (BurnedInAnnotation = YES): text such as the "
            "patient's name or date of birth is part of the image itself and cannot be removed by cleaning the "
            "file. Export the image without annotations, or crop them away in an image editor and upload a PNG."
        )
    sop_class = pydicom.uid.UID(str(dataset.get("SOPClassUID", "")))
    if not sop_class or ("PixelData" not in dataset and ("Rows" in dataset or "Image" in sop_class.name)):
        # An image's header cut off before its pixels, or bytes that only start like a DICOM file.
        raise ImageRejected(DAMAGED_DICOM)
    if "PixelData" not in dataset:
        raise ImageRejected("This DICOM file holds no image (it may be a report, a plan or a structure set).")
    rows, columns = int(dataset.get("Rows") or 0), int(dataset.get("Columns") or 0)
    if rows < 1 or columns < 1:
        raise ImageRejected(DAMAGED_DICOM)
    if rows * columns > max_pixels:
        raise ImageRejected(
            f"The image is {columns} × {rows} pixels ({rows * columns / 1e6:.0f} megapixels); "
            f"the limit is {max_pixels / 1e6:.0f} megapixels."
        )
    count = frame_count(dataset)
    chosen = default_frame(count) if frame is None else frame
    if not 1 <= chosen <= count:
        raise DicomChoiceRejected(
            f"This DICOM file has {count} frame(s): choose a frame from 1 to {count}, or leave it blank.",
            field="dicom_frame",
        )
    if window not in WINDOWS:
        raise DicomChoiceRejected("Choose one of the offered windows.", field="dicom_window")
    if window in CT_PRESETS and dataset.get("Modality") != "CT":
        raise DicomChoiceRejected(
            "The soft tissue, bone and lung windows are in Hounsfield units and fit CT images only; this file's "
            f"modality is {dataset.get('Modality') or 'not given'}. Choose 'from the file' or 'full range'.",
            field="dicom_window",
        )
    rendered = render_frame(dataset, frame=chosen, window=window)
    return DicomUpload(
        image=clean_pixels(rendered, "DICOM"), deidentified=deidentify(dataset), frame_count=count, frame=chosen
    )


def clean_figure_upload(
    fileobj, *, max_bytes: int, max_pixels: int, window: str = FROM_FILE, frame: int | None = None
) -> CleanImage | DicomUpload:
    """Any figure upload: a DICOM file (told by its content) is rendered here, anything else by cases.images."""
    data = read_limited(fileobj, max_bytes)
    if is_dicom(data):
        return read_dicom(data, window=window, frame=frame, max_pixels=max_pixels)
    if getattr(fileobj, "name", "").lower().endswith((".dcm", ".dicom")):
        raise ImageRejected(
            "This file is named .dcm but is not a DICOM file (a DICOM file has 'DICM' after its first 128 "
            "bytes). Export the image again as DICOM, or as JPEG or PNG."
        )
    return clean_upload(io.BytesIO(data), max_bytes=max_bytes, max_pixels=max_pixels)


def _parse(data: bytes) -> pydicom.Dataset:
    if not is_dicom(data):
        raise ImageRejected(
            "This file is not a DICOM file (a DICOM file has 'DICM' after its first 128 bytes), although it may be "
            "named .dcm. Export the image again as DICOM, or as JPEG or PNG."
        )
    try:
        dataset = pydicom.dcmread(io.BytesIO(data))
        # Reading is lazy: touch every element now, so a file cut off in its header fails here.
        for _element in dataset.iterall():
            pass
    except (InvalidDicomError, OSError, ValueError, EOFError, KeyError, TypeError, AttributeError, IndexError):
        raise ImageRejected(DAMAGED_DICOM) from None
    return dataset


def render_frame(dataset: pydicom.Dataset, *, frame: int, window: str) -> Image.Image:
    """One frame as an 8-bit image: modality LUT, window, MONOCHROME1 inverted; colour images as they are."""
    try:
        pixels = pixel_array(dataset, index=frame - 1)
    except Exception:
        # The decoders raise many kinds of error (RuntimeError, ValueError, NotImplementedError...) for
        # truncated or unsupported pixel data; to the educator they all mean the same thing.
        raise ImageRejected(DAMAGED_DICOM) from None
    photometric = str(dataset.get("PhotometricInterpretation", "")).upper()
    if photometric in ("RGB", "YBR_FULL", "YBR_FULL_422", "YBR_RCT", "YBR_ICT") and pixels.ndim == 3:
        # pydicom has already converted YBR to RGB; colour images are shown as stored.
        if pixels.dtype != np.uint8:
            pixels = (pixels.astype(np.float64) * (255 / max(1, pixels.max()))).astype(np.uint8)
        return Image.fromarray(pixels, "RGB")
    if photometric not in ("MONOCHROME1", "MONOCHROME2") or pixels.ndim != 2:
        raise ImageRejected(
            f"This DICOM file's images are of a kind the site does not show ({photometric or 'unknown'}). "
            "Export the image as a greyscale or colour DICOM, JPEG or PNG."
        )
    values = apply_modality_lut(pixels, dataset).astype(np.float64)
    grey = _window(values, dataset, window)
    if photometric == "MONOCHROME1":  # low values are white in MONOCHROME1
        grey = 255 - grey
    return Image.fromarray(grey.astype(np.uint8), "L")


def _window(values: np.ndarray, dataset: pydicom.Dataset, window: str) -> np.ndarray:
    """Values after the modality LUT, windowed onto 0..255 (floats)."""
    if window in CT_PRESETS:
        centre, width = CT_PRESETS[window]
        return _linear_window(values, centre, width)
    if window == FROM_FILE and "VOILUTSequence" in dataset:
        # A lookup table chosen by the modality; its third descriptor value is the bits of its output.
        output = apply_voi(values, dataset, index=0).astype(np.float64)
        bits = int(dataset.VOILUTSequence[0].LUTDescriptor[2])
        return np.clip(output * (255 / (2**bits - 1)), 0, 255)
    if window == FROM_FILE and "WindowCenter" in dataset and "WindowWidth" in dataset:
        try:
            output = apply_windowing(values.copy(), dataset, index=0)
            # The range pydicom windows onto depends on the bits stored and the rescale: ask it by windowing
            # values far below and above any window.
            low, high = apply_windowing(np.array([-1e12, 1e12]), dataset, index=0)
        except (ValueError, TypeError, IndexError, AttributeError):
            pass  # a window width of 0 or unreadable values: fall back to the pixel range
        else:
            if high > low:
                return np.clip((output - low) * (255 / (high - low)), 0, 255)
    # No window in the file, or the educator asked for the full range: the same rule as 16-bit PNGs.
    return np.asarray(stretch_to_8_bit(Image.fromarray(values.astype(np.int32), "I")), dtype=np.float64)


def _linear_window(values: np.ndarray, centre: float, width: float) -> np.ndarray:
    """The LINEAR VOI function of DICOM PS3.3 C.11.2.1.2.1, onto 0..255."""
    scaled = ((values - (centre - 0.5)) / (width - 1) + 0.5) * 255
    return np.clip(scaled, 0, 255)


def deidentify(dataset: pydicom.Dataset) -> bytes:
    """The file de-identified by the Basic Application Level Confidentiality Profile (PS3.15 Annex E).

    dicom-anonymizer (Kitware) applies Table E.1-1 of the standard tag by tag: names, IDs, dates,
    institutions, operators and descriptions removed, emptied or replaced by dummy values; every UID
    replaced by a new one; private tags removed. Dates are replaced, not shifted: a teaching site needs no
    intervals between studies. The file records that it was de-identified and how (Patient Identity
    Removed, De-identification Method and its code), as the profile asks.
    """
    # The library maps each old UID to its new one in a module-level dict; emptied per file so that two
    # uploads of the same study cannot be linked through their new UIDs (and the dict does not grow).
    simpledicomanonymizer.dictionary.clear()
    anonymize_dataset(dataset, base_rules_gen=lambda: initialize_actions(PROFILE_EDITION), delete_private_tags=True)
    dataset.remove_private_tags()  # also those nested in sequences the profile keeps
    if "SOPInstanceUID" in dataset:
        dataset.file_meta.MediaStorageSOPInstanceUID = dataset.SOPInstanceUID
    dataset.PatientIdentityRemoved = "YES"
    dataset.DeidentificationMethod = DEIDENTIFICATION_METHOD
    code = pydicom.Dataset()
    code.CodeValue, code.CodingSchemeDesignator, code.CodeMeaning = BASIC_PROFILE_CODE
    dataset.DeidentificationMethodCodeSequence = pydicom.Sequence([code])
    buffer = io.BytesIO()
    dataset.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()
