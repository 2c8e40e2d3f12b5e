"""Back up and restore the whole site: database rows and figure files, in one ``.tar.gz`` archive.

What is in an archive:

- ``data.json``: ``dumpdata`` of accounts (users and groups, by natural key, so they match the permissions
  and content types that ``migrate`` creates on the new server), learners' confirmed e-mail addresses, cohorts
  and review schedules, the admin's change history, cases and quizzes with every attempt and response.
- ``files/default/<name>``: every figure rendition (the pages' images), and ``files/figure_masters/<name>``:
  every cleaned master and every de-identified DICOM file a figure was rendered from. Both are read and
  written through Django's storage API, so the same commands work with files on disk or in an object store.
- ``manifest.json``: rows per model, and the size and SHA-256 of every file. Import checks all of them.

Files are the ones the database refers to: a rendition's ``file`` and a figure's ``master_name``.

What is not in an archive: live state rather than data. Sessions are left out: a session key is the
``sessionid`` cookie of a signed-in browser, so an archive holding them would let anyone who reads a copy
sign in as every user who was signed in when it was made, on the running site; so are pending e-mail
confirmations (their keys sign a new account in). django-axes' login attempts
and logs are left out too: they are throttling state (and addresses and browsers of people signing in),
not the site's content. After a restore everyone signs in again, and learners who used the site signed out
can no longer reach their attempts (their browser's claim to them was in its session), though the attempts
are restored. Importing an archive made before this rule drops its sessions and login records the same way.
"""

import hashlib
import io
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from cases.models import Figure, FigureRendition

FORMAT = "calcinosis-site-backup"
VERSION = 1
# What dumpdata exports. Permissions and content types are left out: migrate creates them on the new server.
DUMPED = [
    "auth.user",
    "auth.group",
    "admin.logentry",
    # Learners' confirmed e-mail addresses (django-allauth), cohorts, and their spaced-review schedules.
    "account.emailaddress",
    "accounts",
    "cases",
    "quiz",
    "learners",
]
# Apps and models whose rows are live state, never backed up nor restored (see the module docstring).
LEFT_OUT = ("sessions", "axes", "account.emailconfirmation")
# The storages figure files live in: renditions (public) and masters (never served).
STORAGE_ALIASES = ("default", "figure_masters")


class BackupError(Exception):
    """The archive cannot be made or used; the message says why, for the person running the command."""


@dataclass
class Summary:
    counts: dict[str, int]
    files: int
    bytes: int


def _models():
    """Every model whose rows are exported, in a stable order."""
    found = []
    for label in DUMPED:
        if "." in label:
            found.append(apps.get_model(label))
        else:
            found.extend(apps.get_app_config(label).get_models())
    return found


def _label(model) -> str:
    return model._meta.label_lower


def _counts() -> dict[str, int]:
    return {_label(model): model._default_manager.count() for model in _models()}


def _referenced_files() -> list[tuple[str, str]]:
    """(storage alias, name) of every file the database refers to."""
    renditions = FigureRendition.objects.order_by("pk").values_list("file", flat=True)
    masters = Figure.objects.exclude(master_name="").order_by("pk").values_list("master_name", flat=True)
    dicom_files = Figure.objects.exclude(dicom_name="").order_by("pk").values_list("dicom_name", flat=True)
    return [("default", name) for name in renditions if name] + [
        ("figure_masters", name) for name in [*masters, *dicom_files]
    ]


def _member(alias: str, name: str) -> str:
    return f"files/{alias}/{name}"


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def export_site(archive: Path) -> Summary:
    """Write the archive. It appears at ``archive`` only once complete, never half-written."""
    archive = Path(archive)
    files = _referenced_files()
    missing = [f"{alias}:{name}" for alias, name in files if not storages[alias].exists(name)]
    if missing:
        raise BackupError(
            "These figure files are referred to by the database but are not in storage, so a backup "
            "would be incomplete: " + ", ".join(missing)
        )
    with tempfile.TemporaryDirectory() as scratch:
        data_path = Path(scratch) / "data.json"
        call_command(
            "dumpdata", *DUMPED, natural_foreign=True, natural_primary=True, output=str(data_path), verbosity=0
        )
        counts = _counts()
        partial = archive.with_name(archive.name + ".partial")
        manifest_files = []
        total = 0
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(data_path, arcname="data.json")
            for alias, name in files:
                with storages[alias].open(name, "rb") as handle:
                    data = handle.read()
                _add_bytes(tar, _member(alias, name), data)
                manifest_files.append(
                    {"storage": alias, "name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                )
                total += len(data)
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created": timezone.now().isoformat(),
                "counts": counts,
                "files": manifest_files,
            }
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=2).encode())
        # Password hashes and learners' answers are inside: for the owner's eyes only.
        os.chmod(partial, 0o600)
        os.replace(partial, archive)
    return Summary(counts=counts, files=len(manifest_files), bytes=total)


def _read(tar: tarfile.TarFile, name: str) -> bytes:
    try:
        handle = tar.extractfile(name)
    except KeyError:
        handle = None
    if handle is None:
        raise BackupError(f"The archive has no {name}; it is not a complete site backup.")
    return handle.read()


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts:
        raise BackupError(f"The archive lists an unsafe file name: {name!r}.")
    return name


def _is_left_out(label: str) -> bool:
    """A row's model label ("app.model") names an app or a model that is left out."""
    return label.partition(".")[0] in LEFT_OUT or label in LEFT_OUT


def _without_left_out(data: bytes) -> str:
    """data.json without rows of LEFT_OUT apps, which archives made before they were left out still hold."""
    try:
        rows = json.loads(data)
    except ValueError:
        raise BackupError("The archive's data.json is not valid JSON.") from None
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise BackupError("The archive's data.json is not a list of rows as dumpdata writes it.")
    return json.dumps([row for row in rows if not _is_left_out(row.get("model", ""))])


def site_is_empty() -> bool:
    """No accounts, cases, quizzes or attempts yet (what ``migrate`` leaves: groups and permissions only)."""
    content = [model for label in ("cases", "quiz") for model in apps.get_app_config(label).get_models()]
    return not any(model._default_manager.exists() for model in [get_user_model(), *content])


def import_site(archive: Path, *, force: bool = False) -> Summary:
    """Restore an archive made by ``export_site`` into this site's database and storages.

    Refuses unless the site is empty (``force`` loads over existing data, replacing rows with the same ids).
    Every file is checked against its SHA-256 before anything is written.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"There is no file {archive}.")
    was_empty = site_is_empty()
    if not was_empty and not force:
        raise BackupError(
            "This site already has accounts, cases or quizzes. Import into a freshly migrated, empty database, "
            "or use --force to load over what is there (rows with the same ids are replaced)."
        )
    try:
        tar = tarfile.open(archive, "r:gz")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{archive} is not a readable .tar.gz archive ({exc}).") from None
    with tar, tempfile.TemporaryDirectory() as scratch:
        try:
            manifest = json.loads(_read(tar, "manifest.json"))
        except ValueError:
            raise BackupError("The archive's manifest.json is not valid JSON.") from None
        if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
            raise BackupError("The archive was not made by export_site (or by a newer version of it).")

        # 1. Every file is present and intact, before anything is written.
        contents = []
        for entry in manifest["files"]:
            alias, name = entry["storage"], _safe_name(entry["name"])
            if alias not in STORAGE_ALIASES:
                raise BackupError(f"The archive names an unknown storage {alias!r}.")
            data = _read(tar, _member(alias, name))
            if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
                raise BackupError(f"{alias}:{name} in the archive is damaged (its SHA-256 does not match).")
            contents.append((alias, name, data))

        # 2. No file would silently replace a different one already in storage.
        for alias, name, data in contents:
            storage = storages[alias]
            if storage.exists(name) and not force:
                with storage.open(name, "rb") as handle:
                    if handle.read() != data:
                        raise BackupError(f"{alias}:{name} already exists with other content; use --force.")

        # 3. Files, then rows (in one transaction): if the rows fail, only unreferenced files are left behind.
        for alias, name, data in contents:
            storage = storages[alias]
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, ContentFile(data))
            if saved != name:
                raise BackupError(f"{alias}:{name} was stored as {saved}; the database would not find it.")

        data_path = Path(scratch) / "data.json"
        data_path.write_text(_without_left_out(_read(tar, "data.json")))
        with transaction.atomic():
            call_command("loaddata", str(data_path), verbosity=0)

    counts = _counts()
    if was_empty:
        different = [
            f"{label}: {wanted} in the archive, {counts.get(label)} here"
            for label, wanted in manifest["counts"].items()
            if not _is_left_out(label) and counts.get(label) != wanted
        ]
        if different:
            details = ", ".join(different)
            raise BackupError(f"The restored rows do not match the archive: {details}.")
    return Summary(counts=counts, files=len(contents), bytes=sum(len(data) for _, _, data in contents))
