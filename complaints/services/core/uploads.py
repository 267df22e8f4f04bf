"""Attachments: checked by content, stored under random names outside static files, read only after an access check.

Accepted: PDF, JPEG and PNG, recognised by their first bytes (a renamed executable is refused whatever its name).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from complaints.extensions import db
from complaints.models import Attachment, AttachmentKind, Complaint, UploadType, User

# The signatures that open each accepted format (ISO 32000 for PDF, JFIF/Exif SOI marker, the PNG signature).
SIGNATURES = {
    UploadType.PDF: (b"%PDF-",),
    UploadType.JPEG: (b"\xff\xd8\xff",),
    UploadType.PNG: (b"\x89PNG\r\n\x1a\n",),
}
EXTENSIONS = {UploadType.PDF: (".pdf",), UploadType.JPEG: (".jpg", ".jpeg"), UploadType.PNG: (".png",)}
_UNSAFE_NAME = re.compile(r"[/\\\x00-\x1f]|^\.|\.\.")


class UploadError(ValueError):
    """A file that cannot be accepted; ``str(error)`` says why, for the person who sent it."""


def detect_type(head: bytes) -> UploadType | None:
    for upload_type, signatures in SIGNATURES.items():
        if any(head.startswith(signature) for signature in signatures):
            return upload_type
    return None


def clean_name(name: str) -> str:
    """The file's own name, or an error if it carries a path (``../x.pdf``, ``C:\\x.pdf``) or control characters."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name:
        raise UploadError(_l("The file has no name."))
    # Format characters (right-to-left override and the like) can make "gpj.exe" read as "exe.jpg".
    if _UNSAFE_NAME.search(name) or ":" in name or any(unicodedata.category(ch) == "Cf" for ch in name):
        raise UploadError(_l("The file name %(name)s contains a folder or forbidden characters.", name=name[:80]))
    if len(name) > 200:
        raise UploadError(_l("The file name is too long (at most 200 characters)."))
    return name


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every check, held in memory until it is stored with its complaint."""

    name: str
    content: bytes
    content_type: UploadType

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


class UploadedFile(Protocol):
    """A file as it arrives (a form's file field): a name and a readable stream."""

    filename: str | None
    stream: BinaryIO


def check_file(storage: UploadedFile) -> CheckedFile:
    name = clean_name(storage.filename or "")
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    content = storage.stream.read(limit + 1)
    if len(content) > limit:
        raise UploadError(_l("%(name)s is larger than %(mb)d MB.", name=name, mb=limit // (1024 * 1024)))
    if not content:
        raise UploadError(_l("%(name)s is empty.", name=name))
    detected = detect_type(content[:16])
    if detected is None:
        raise UploadError(_l("%(name)s is not a PDF, JPEG or PNG file.", name=name))
    if not name.lower().endswith(EXTENSIONS[detected]):
        raise UploadError(
            _l("%(name)s does not match its content (it is a %(type)s file).", name=name, type=detected.name)
        )
    return CheckedFile(name=name, content=content, content_type=detected)


def upload_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store(
    complaint: Complaint, checked: CheckedFile, kind: AttachmentKind, *, private: bool = False, by: User | None = None
) -> Attachment:
    """Write the file under a random name and add its record. If the transaction then rolls back, the file is
    removed again (``init_upload_cleanup``), so that nothing is left half-written."""
    stored_name = secrets.token_hex(16)
    path = upload_folder() / stored_name
    with open(path, "xb") as handle:  # "x": never overwrite
        handle.write(checked.content)
    remember_written(path)
    attachment = Attachment(
        complaint=complaint,
        kind=kind,
        original_name=checked.name,
        stored_name=stored_name,
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=checked.sha256,
        private=private,
        uploaded_by_id=by.id if by else None,
    )
    db.session.add(attachment)
    return attachment


_WRITTEN = "uploads_written_paths"


def remember_written(path: Path) -> None:
    """A file written in the current transaction: removed again if it rolls back."""
    db.session.info.setdefault(_WRITTEN, []).append(path)


def _forget_written(session: Session) -> None:
    session.info.pop(_WRITTEN, None)


def _remove_written(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is not None:  # a savepoint: the outer transaction may still commit
        return
    for path in session.info.pop(_WRITTEN, []):
        path.unlink(missing_ok=True)


def init_upload_cleanup() -> None:
    """Files written in a transaction stay if it commits and are removed if it rolls back."""
    if not event.contains(Session, "after_commit", _forget_written):
        event.listen(Session, "after_commit", _forget_written)
        event.listen(Session, "after_soft_rollback", _remove_written)


def path_of(attachment: Attachment) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}", attachment.stored_name):  # defence in depth: never a path from the DB
        raise UploadError("invalid stored name")
    return upload_folder() / attachment.stored_name


def check_room(complaint: Complaint, adding: int, *, from_unit: bool = False) -> None:
    """At most MAX_ATTACHMENTS files a submission and MAX_CASE_ATTACHMENTS on a case for each side (the reporter's,
    the unit's), so that neither can use up the other's room."""
    config = current_app.config
    if adding > config["MAX_ATTACHMENTS"]:
        raise UploadError(_l("At most %(n)d files at a time.", n=config["MAX_ATTACHMENTS"]))
    same_side = [a for a in complaint.attachments if (a.kind is AttachmentKind.UNIT_DOCUMENT) == from_unit]
    if len(same_side) + adding > config["MAX_CASE_ATTACHMENTS"]:
        raise UploadError(
            _l("This report already has the most files it can hold (%(n)d).", n=config["MAX_CASE_ATTACHMENTS"])
        )
