"""DICOM uploads (cases.dicom): real sample files render with a sensible window, and nothing identifies the patient.

Sample files are pydicom's own test files that ship inside its wheel (checked: never downloaded), and
radiographs built here with pydicom's Dataset API: a 12-bit DX in MONOCHROME2 and MONOCHROME1, multi-frame,
and RLE-compressed. The de-identification is checked tag by tag against a list written here from
PS3.15 Table E.1-1 (not taken from the library that does the work), and against every attribute of the
library's own copy of the table.
"""

import copy
import io
import os
from pathlib import Path

import numpy as np
import pydicom
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, RLELossless, generate_uid

from cases import dicom
from cases.dicom import DicomChoiceRejected, DicomUpload, clean_figure_upload, deidentify, read_dicom
from cases.forms import FigureForm
from cases.images import ImageRejected
from cases.models import Case, Figure
from cases.services import figure_attach_upload

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
DX_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.1.1"

# What a real header holds about the patient and the people around them. None of it may reach a learner.
IDENTIFYING = {
    "PatientName": "Doeline^Janette^Q",
    "PatientID": "MRN-99887766",
    "PatientBirthDate": "19440312",
    "PatientAddress": "12 Hidden Lane, Secretown",
    "OtherPatientIDs": "NHS-4455667788",
    "InstitutionName": "Saint Secretia Hospital",
    "InstitutionAddress": "1 Infirmary Road, Secretown",
    "OperatorsName": "Radiographer^Olwen",
    "PerformingPhysicianName": "Performer^Percival",
    "ReferringPhysicianName": "Referrer^Rosalind",
    "AccessionNumber": "ACC55667788",
    "StationName": "XRAYROOM7",
    "StudyDate": "20230405",
    "StudyID": "STUDY4321",
    "StudyDescription": "Left elbow for Mrs Doeline",
    "DeviceSerialNumber": "SN-TUBE-31337",
}
PRIVATE_SECRET = "PRIVATE-VENDOR-SECRET-NOTE"
BYTE_MARKERS = [
    *(v for k, v in IDENTIFYING.items() if k not in ("StudyDate", "PatientBirthDate")),
    "Doeline",
    "Janette",
    PRIVATE_SECRET,
]


# --- builders ---------------------------------------------------------------------------------------


def bundled(name: str) -> bytes:
    """A pydicom test file that ships in the wheel: the path is inside the installed package, so no download."""
    path = Path(get_testdata_file(name))
    assert Path(pydicom.__file__).parent in path.parents, f"{name} is not bundled with pydicom"
    return path.read_bytes()


def radiograph(width: int = 200, height: int = 160) -> np.ndarray:
    """A 12-bit 'radiograph' of a limb: air around soft tissue around a bone, with noise; 0..4095."""
    rng = np.random.default_rng(3)
    image = np.full((height, width), 400.0)
    image[:, width // 5 : 4 * width // 5] = 1800.0
    image[:, 2 * width // 5 : 3 * width // 5] = 3300.0
    image += rng.normal(0, 80, image.shape)
    return np.clip(image, 0, 4095).astype(np.uint16)


def dx_file(
    *,
    photometric: str = "MONOCHROME2",
    frames: int = 1,
    burned_in: str | None = None,
    window: tuple[float, float] | None = (2000, 4000),
    compress: bool = False,
    identify: bool = True,
) -> bytes:
    """A DX (digital radiograph) file as a detector writes it: 12 bits stored in 16, with a window."""
    pixels = radiograph()
    if photometric == "MONOCHROME1":
        pixels = 4095 - pixels  # bone is stored dark: MONOCHROME1 shows low values white
    if frames > 1:
        # Frame n has a mark in its n-th column band so a test can tell which frame was shown.
        stack = np.repeat(pixels[None], frames, axis=0)
        for n in range(frames):
            stack[n, :10, n * 20 : n * 20 + 20] = 4095
        pixels = stack
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = DX_IMAGE_STORAGE
    ds.SOPClassUID = DX_IMAGE_STORAGE
    ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.Modality = "DX"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.Rows, ds.Columns = pixels.shape[-2:]
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = 0, 1, "US"
    if frames > 1:
        ds.NumberOfFrames = frames
    if window:
        ds.WindowCenter, ds.WindowWidth = window
    if burned_in:
        ds.BurnedInAnnotation = burned_in
    if identify:
        for keyword, value in IDENTIFYING.items():
            setattr(ds, keyword, value)
        block = ds.private_block(0x0029, "ACME RADIOLOGY 1.0", create=True)
        block.add_new(0x10, "LO", PRIVATE_SECRET)
    ds.PixelData = pixels.tobytes()
    if compress:
        ds.compress(RLELossless)
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def render(data: bytes, **choices) -> np.ndarray:
    upload = read_dicom(data, max_pixels=MAX_PIXELS, **choices)
    return np.asarray(upload.image.image.convert("L"), dtype=np.float64)


def assert_sensible_window(grey: np.ndarray) -> None:
    """What a learner would call a readable radiograph: not near black or white, with a spread of greys."""
    assert 40 < grey.mean() < 215, f"mean grey {grey.mean():.0f}"
    assert grey.std() > 30, f"spread {grey.std():.0f}"
    assert len(np.unique(grey)) > 40


# --- the sample files are local -----------------------------------------------------------------------


def test_the_sample_files_ship_with_pydicom_and_are_never_downloaded(monkeypatch):
    # get_testdata_file downloads only through pydicom.data.data_manager's fetching; forbid any socket.
    import socket

    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: pytest.fail("tried to download"))
    for name in ("CT_small.dcm", "MR_small.dcm", "MR_small_RLE.dcm", "MR_small_jp2klossless.dcm", "MR_truncated.dcm"):
        assert bundled(name)[128:132] == b"DICM"


# --- rendering --------------------------------------------------------------------------------------------


def test_a_ct_upload_renders_with_a_sensible_window_from_its_hounsfield_units():
    data = bundled("CT_small.dcm")  # no window in the file: the full range after the modality LUT
    assert_sensible_window(render(data))
    soft, bone = render(data, window="soft_tissue"), render(data, window="bone")
    assert_sensible_window(soft)
    # The bone window spreads a wider range of HU over the greys: the soft tissue is darker and flatter there.
    assert bone.mean() < soft.mean()
    assert bone.std() < soft.std()


def test_the_ct_presets_are_the_documented_centres_and_widths():
    assert dicom.CT_PRESETS == {"soft_tissue": (50, 350), "bone": (500, 2000), "lung": (-600, 1600)}
    assert set(Figure.Window.values) == set(dicom.WINDOWS)


def test_a_dx_radiograph_renders_with_its_window_bone_white_and_air_dark():
    grey = render(dx_file())
    assert_sensible_window(grey)
    air, soft, bone = grey[80, 10], grey[80, 60], grey[80, 100]
    assert air < soft < bone
    assert bone > 200 and air < 60


def test_a_dx_without_a_window_uses_its_pixel_range_not_the_bit_depth():
    grey = render(dx_file(window=None))
    assert_sensible_window(grey)
    assert grey.max() == 255 and grey.min() == 0


def test_monochrome1_is_inverted_so_bone_is_still_white():
    normal, inverted = render(dx_file()), render(dx_file(photometric="MONOCHROME1", window=None))
    assert inverted[80, 100] > 200 and inverted[80, 10] < 60
    assert abs(normal.mean() - inverted.mean()) < 40


def test_mr_renders_through_the_window_stored_in_the_file():
    from_file, full = render(bundled("MR_small.dcm")), render(bundled("MR_small.dcm"), window="range")
    assert_sensible_window(from_file)
    assert not np.array_equal(from_file, full)  # the file's window (600/1600) was used


@pytest.mark.parametrize("name", ["MR_small_RLE.dcm", "MR_small_jp2klossless.dcm", "MR_small_jpeg_ls_lossless.dcm"])
def test_compressed_files_render_exactly_as_the_uncompressed_original(name):
    assert np.array_equal(render(bundled(name)), render(bundled("MR_small.dcm")))


def test_an_rle_compressed_radiograph_renders_as_the_uncompressed_one():
    assert np.array_equal(render(dx_file(compress=True)), render(dx_file()))


def test_multi_frame_shows_the_middle_frame_unless_the_educator_picks_one():
    data = dx_file(frames=3)

    def marked_band(grey: np.ndarray) -> int:
        return int(np.argmax([grey[:10, n * 20 : n * 20 + 20].mean() for n in range(3)]))

    upload = read_dicom(data, max_pixels=MAX_PIXELS)
    assert (upload.frame_count, upload.frame) == (3, 2)
    assert marked_band(render(data)) == 1
    assert marked_band(render(data, frame=3)) == 2
    assert marked_band(render(data, frame=1)) == 0
    with pytest.raises(DicomChoiceRejected, match="choose a frame from 1 to 3") as rejected:
        render(data, frame=4)
    assert rejected.value.field == "dicom_frame"


def test_a_ct_window_is_refused_for_a_radiograph_whose_pixels_are_not_hounsfield_units():
    with pytest.raises(DicomChoiceRejected, match="fit CT images only") as rejected:
        render(dx_file(), window="bone")
    assert rejected.value.field == "dicom_window"


# --- refused files ----------------------------------------------------------------------------------------


def test_a_file_with_burned_in_annotation_is_refused_with_the_reason():
    with pytest.raises(ImageRejected, match="burned-in annotation"):
        render(dx_file(burned_in="YES"))
    assert_sensible_window(render(dx_file(burned_in="NO")))


def figure_form(data: bytes, name: str = "elbow.dcm", **fields) -> FigureForm:
    post = {
        "position": "1",
        "label": "2A",
        "caption": "Lateral radiograph of the elbow.",
        "alt_text": "Radiograph of an elbow.",
        "modality": "radiograph",
        "dicom_window": "file",
        **fields,
    }
    return FigureForm(data=post, files={"upload": SimpleUploadedFile(name, data, content_type="application/dicom")})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(lambda: bundled("CT_small.dcm")[:5000], "damaged or incomplete", id="cut off in the pixels"),
        pytest.param(lambda: bundled("CT_small.dcm")[:700], "damaged or incomplete", id="cut off in the header"),
        pytest.param(lambda: bundled("MR_truncated.dcm"), "damaged or incomplete", id="pydicom's truncated MR"),
        pytest.param(lambda: bundled("JPEG-lossy.dcm"), "damaged or incomplete", id="undecodable JPEG"),
        pytest.param(lambda: b"\0" * 128 + b"DICM" + os.urandom(3000), "damaged or incomplete", id="noise"),
        pytest.param(lambda: os.urandom(5000), "not a DICOM file", id="random bytes named .dcm"),
        pytest.param(lambda: b"Patient notes, not an image\n" * 10, "not a DICOM file", id="text named .dcm"),
        pytest.param(lambda: dx_file(burned_in="YES"), "burned-in annotation", id="burned in"),
        pytest.param(lambda: bundled("rtplan.dcm"), "holds no image", id="an RT plan"),
    ],
)
def test_a_bad_dicom_file_is_a_form_error_on_the_upload(content, message):
    form = figure_form(content())
    assert not form.is_valid()
    assert list(form.errors) == ["upload"]
    assert message in form.errors["upload"][0]


def test_a_wrong_frame_or_window_is_an_error_on_that_field():
    form = figure_form(dx_file(frames=2), dicom_frame="5")
    assert not form.is_valid() and list(form.errors) == ["dicom_frame"]
    form = figure_form(dx_file(), dicom_window="lung")
    assert not form.is_valid() and list(form.errors) == ["dicom_window"]


# --- de-identification ---------------------------------------------------------------------------------------

# Attributes of the Basic Application Level Confidentiality Profile (PS3.15 Table E.1-1) with their action:
# X removed, Z emptied (or a dummy), D replaced by a dummy, U replaced by a new UID. Written from the
# standard's table for the attributes a radiograph's header commonly carries.
PROFILE = {
    "PatientName": "Z",
    "PatientID": "Z",
    "PatientBirthDate": "Z",
    "PatientBirthTime": "X",
    "PatientSex": "Z",
    "PatientAge": "X",
    "PatientSize": "X",
    "PatientWeight": "X",
    "PatientAddress": "X",
    "PatientMotherBirthName": "X",
    "PatientTelephoneNumbers": "X",
    "OtherPatientIDs": "X",
    "OtherPatientNames": "X",
    "MilitaryRank": "X",
    "EthnicGroup": "X",
    "Occupation": "X",
    "AdditionalPatientHistory": "X",
    "PatientComments": "X",
    "MedicalRecordLocator": "X",
    "InstitutionName": "X",
    "InstitutionAddress": "X",
    "InstitutionalDepartmentName": "X",
    "ReferringPhysicianName": "Z",
    "PerformingPhysicianName": "X",
    "NameOfPhysiciansReadingStudy": "X",
    "OperatorsName": "X",
    "PhysiciansOfRecord": "X",
    "RequestingPhysician": "X",
    "StationName": "X",
    "DeviceSerialNumber": "X",
    "AccessionNumber": "Z",
    "StudyID": "Z",
    "StudyDate": "Z",
    "StudyTime": "Z",
    "SeriesDate": "X",
    "SeriesTime": "X",
    "AcquisitionDate": "X",
    "AcquisitionTime": "X",
    "ContentDate": "Z",
    "ContentTime": "Z",
    "InstanceCreationDate": "X",
    "StudyDescription": "X",
    "SeriesDescription": "X",
    "ImageComments": "X",
    "ProtocolName": "X",
    "RequestAttributesSequence": "X",
    "StudyInstanceUID": "U",
    "SeriesInstanceUID": "U",
    "SOPInstanceUID": "U",
    "FrameOfReferenceUID": "U",
}
SAMPLE_VALUE = {
    "PN": "Secretname^Person",
    "DA": "19440312",
    "TM": "101112",
    "DT": "19440312101112",
    "AS": "081Y",
    "DS": "77.7",
    "IS": "77",
    "CS": "SECRETCS",
    "SH": "SECRETSH",
    "AE": "SECRETAE",
    "UI": "1.2.826.0.1.3680043.99.12345",
}


def planted(keyword: str, index: int = 0) -> tuple[str, object]:
    vr = pydicom.datadict.dictionary_VR(keyword)
    if vr == "SQ":
        item = Dataset()
        item.PatientName = "Inside^Sequence"
        return vr, pydicom.Sequence([item])
    if vr in ("US", "SS", "UL", "SL", "FL", "FD"):
        return vr, 77
    return vr, SAMPLE_VALUE.get(vr, f"SECRET-{keyword}-{index}"[:64])


def assert_handled(out: Dataset, keyword: str, action: str, original) -> None:
    element = out.data_element(keyword) if keyword in out else None
    if action == "X":
        assert element is None or element.is_empty or element.value != original, f"{keyword} kept"
    elif action == "Z":
        assert element is None or element.is_empty or element.value != original, f"{keyword} kept"
    elif action == "U":
        assert element is not None and element.value and element.value != original, f"{keyword} UID kept"
    else:
        assert element is None or element.value != original, f"{keyword} kept"


def test_every_attribute_of_the_basic_profile_is_removed_emptied_or_replaced_in_the_stored_file():
    ds = pydicom.dcmread(io.BytesIO(dx_file()))
    originals = {}
    for keyword in PROFILE:
        vr, value = planted(keyword)
        setattr(ds, keyword, value)
        originals[keyword] = ds[keyword].value
    out = pydicom.dcmread(io.BytesIO(deidentify(ds)))
    for keyword, action in PROFILE.items():
        assert_handled(out, keyword, action, originals[keyword])
    assert out.file_meta.MediaStorageSOPInstanceUID == out.SOPInstanceUID
    assert out.PatientIdentityRemoved == "YES"
    assert out.DeidentificationMethodCodeSequence[0].CodeValue == "113100"  # Basic Application Confidentiality
    assert not any(element.tag.is_private for element in out.iterall())
    # The image itself is untouched.
    assert np.array_equal(out.pixel_array, pydicom.dcmread(io.BytesIO(dx_file())).pixel_array)


def test_every_attribute_in_the_profile_table_is_handled_tag_by_tag():
    """All of Table E.1-1 as the library ships it: plant each attribute pydicom knows, none survives."""
    from dicomanonymizer.dicomfields_selector import dicom_anonymization_database_selector

    table = dicom_anonymization_database_selector(dicom.PROFILE_EDITION)["ALL_TAGS"]
    ds = pydicom.dcmread(io.BytesIO(dx_file(identify=False)))
    originals = {}
    for index, tag in enumerate(table):
        if len(tag) != 2 or tag[0] in (0x0000, 0x0002) or tag[0] % 2:
            continue  # repeating groups, command and file meta groups, private ranges: not in a file's dataset
        keyword = pydicom.datadict.keyword_for_tag(tag)
        if not keyword or keyword in ("PixelData",) or pydicom.datadict.dictionary_VR(tag) in (
            "OB", "OW", "OF", "OD", "OL", "OV", "UN", "OB or OW", "US or SS", "US or OW", "US or SS or OW",
        ):  # fmt: skip
            continue
        vr, value = planted(keyword, index)
        ds.add_new(tag, vr, value)
        originals[keyword] = copy.deepcopy(ds[tag].value)  # the library changes sequences in place
    assert len(originals) > 400
    data = deidentify(ds)
    out = pydicom.dcmread(io.BytesIO(data))
    for keyword, original in originals.items():
        assert_handled(out, keyword, "X", original)
    for keyword in originals:
        assert f"SECRET-{keyword}-".encode() not in data
    assert b"Secretname" not in data and b"Inside^Sequence" not in data


# --- through the admin: stored privately, served clean -----------------------------------------------------


@pytest.mark.django_db
def test_an_uploaded_dicom_is_stored_de_identified_and_privately_and_no_rendition_names_the_patient(
    client, make_educator, settings
):
    client.force_login(make_educator())
    case = Case.objects.create(title="Elbow", slug="elbow", teaser="t", status=Case.Status.PUBLISHED)
    post = {
        "case": case.pk,
        "position": "1",
        "label": "2A",
        "caption": "Lateral radiograph of the elbow.",
        "alt_text": "Radiograph of an elbow.",
        "modality": "radiograph",
        "dicom_window": "file",
        "dicom_frame": "",
        "upload": SimpleUploadedFile("IM000123.dcm", dx_file(), content_type="application/dicom"),
    }
    response = client.post(reverse("admin:cases_figure_add"), post, follow=True)
    assert response.status_code == 200
    figure = Figure.objects.get(case=case)
    assert figure.is_from_dicom and (figure.width, figure.height) == (200, 160)

    stored = Path(settings.PRIVATE_MEDIA_ROOT) / figure.dicom_name
    assert stored.exists() and not (Path(settings.MEDIA_ROOT) / figure.dicom_name).exists()
    data = stored.read_bytes()
    for marker in BYTE_MARKERS:
        assert marker.encode() not in data, marker
    out = pydicom.dcmread(io.BytesIO(data))
    for keyword in IDENTIFYING:
        assert_handled(out, keyword, PROFILE.get(keyword, "X"), IDENTIFYING[keyword])

    page = client.get(figure.get_absolute_url()).content.decode()
    renditions = list(figure.renditions.all())
    assert {r.format for r in renditions} == {"webp", "jpeg"}
    for rendition in renditions:
        assert rendition.file.url in page
        served = rendition.file.read()
        rendition.file.close()
        assert b"DICM" not in served
        for marker in [*BYTE_MARKERS, "19440312", "20230405"]:
            assert marker.encode() not in served, f"{marker} in {rendition}"
        grey = np.asarray(Image.open(io.BytesIO(served)).convert("L"), dtype=np.float64)
        assert_sensible_window(grey)


@pytest.mark.django_db
def test_a_new_window_re_renders_the_stored_dicom_without_a_new_upload():
    case = Case.objects.create(title="Chest", slug="chest", teaser="t")
    figure = Figure.objects.create(case=case, position=1, label="1", caption="c", alt_text="a")
    first = read_dicom(bundled("CT_small.dcm"), window="soft_tissue", max_pixels=MAX_PIXELS)
    figure_attach_upload(figure=figure, upload=first)
    soft_master = figure.master_name

    form = FigureForm(
        instance=figure,
        data={
            "position": "1",
            "label": "1",
            "caption": "c",
            "alt_text": "a",
            "modality": "radiograph",
            "dicom_window": "bone",
        },  # fmt: skip
    )
    assert form.is_valid(), form.errors
    assert isinstance(form.cleaned_data["upload"], DicomUpload)
    form.save()
    figure_attach_upload(figure=figure, upload=form.cleaned_data["upload"])
    figure.refresh_from_db()
    assert figure.master_name != soft_master and figure.dicom_window == "bone"
    bone = np.asarray(form.cleaned_data["upload"].image.image.convert("L"), dtype=np.float64)
    assert bone.mean() < np.asarray(first.image.image.convert("L"), dtype=np.float64).mean()


def test_an_ordinary_image_still_goes_through_the_image_pipeline():
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (200, 10, 10)).save(buffer, "PNG")
    cleaned = clean_figure_upload(
        SimpleUploadedFile("photo.png", buffer.getvalue()), max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS
    )
    assert cleaned.source_format == "PNG" and cleaned.image.size == (30, 20)
