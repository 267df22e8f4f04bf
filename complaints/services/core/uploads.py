"""Attachments: checked by content, made harmless, stored under random names outside static files, read only after an
access check.

Accepted: PDF, JPEG and PNG, recognised by their first bytes (a renamed executable is refused whatever its name).
Every file that reaches a case goes through ``check_file`` (filing, a reporter's documents and response, a unit's
answer or report, Open311's ``media``), which makes it harmless before it is kept:

- an image is decoded and encoded again (Pillow): only its pixels are kept, upright as its EXIF orientation says.
  Whatever else it carried goes: an HTML page or script appended or hidden in a chunk (a polyglot that a browser
  might render), and its metadata, EXIF GPS position and camera serial included, which would tell the unit where
  the reporter stood. One that visibly carries markup is refused outright. The original bytes are not kept: no rule
  asks for them (UU 37/2008 art. 24 asks for a copy of the ID card and the documents, not for a file's bytes), and
  UU 27/2022 art. 16(2) (to confirm) asks that no more personal data be kept than the purpose needs.
- a PDF is kept exactly as sent, or refused when it carries anything that acts rather than shows: JavaScript,
  actions that run when it opens (OpenAction other than going to a page, additional actions /AA), actions that
  start programs or reach other files (Launch, ImportData, SubmitForm, GoToE, RichMedia), embedded files, or an XFA
  form. Refused, not stripped: the Ombudsman keeps the citizen's document unaltered (its hash is the one the
  citizen can check), and a citizen's scan or printed PDF never needs any of these; the message says how to make a
  plain copy. qpdf (pikepdf) reads the file: it repairs and decodes what a viewer would, names written as #xx
  escapes and object streams included, so nothing hides from the check by being malformed.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

import pikepdf
from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps
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
#: Pixels an image may have: a 50-megapixel phone's full-size photo (8160 x 6120) passes; decoding one takes about
#: 150 MB. A "decompression bomb" (a few kilobytes that decode to gigabytes) is refused before it is decoded.
MAX_IMAGE_PIXELS = 50_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS  # Pillow's own guard too, for any other decoding in the process
#: What makes an image a web page as well: tags that run or load something, or a script URL.
_MARKUP = re.compile(
    rb"<\s*(?:script|html|body|iframe|svg|object|embed|meta|!doctype|\?php)\b|javascript:", re.IGNORECASE
)
_PILLOW_FORMATS = {UploadType.JPEG: "JPEG", UploadType.PNG: "PNG"}


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
    return CheckedFile(name=name, content=made_harmless(name, content, detected), content_type=detected)


def made_harmless(name: str, content: bytes, upload_type: UploadType) -> bytes:
    """The bytes to keep: an image encoded again, a PDF as sent once it is known to be passive (see the module)."""
    if upload_type is UploadType.PDF:
        check_pdf(name, content)
        return content
    return reencoded_image(name, content, upload_type)


def _damaged(name: str) -> UploadError:
    return UploadError(_l("%(name)s is damaged or incomplete and cannot be opened. Send the file again.", name=name))


def reencoded_image(name: str, content: bytes, upload_type: UploadType) -> bytes:
    """The image's pixels, upright, encoded again in its own format with no metadata."""
    if _MARKUP.search(content):
        raise UploadError(
            _l("%(name)s hides a web page or a script inside the image. Send a plain photo or scan.", name=name)
        )
    fmt = _PILLOW_FORMATS[upload_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=[fmt]) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise Image.DecompressionBombError(name)
                image.load()
                upright = ImageOps.exif_transpose(image)
        return _encoded(upright, fmt)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadError(
            _l(
                "%(name)s has too many pixels (at most %(n)d million). Send a smaller photo or scan.",
                name=name,
                n=MAX_IMAGE_PIXELS // 1_000_000,
            )
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError):  # Pillow's ways of saying the data is broken or cut short
        raise _damaged(name) from None


def _encoded(image: Image.Image, fmt: str) -> bytes:
    # Only what the pixels need goes along: a palette's transparency; never EXIF, XMP, ICC, text chunks or comments.
    image.info = {key: value for key, value in image.info.items() if key == "transparency"}
    if fmt == "JPEG" and image.mode not in {"L", "RGB"}:
        image = image.convert("RGB")  # CMYK and the like: RGB is what every viewer shows alike
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return out.getvalue()


#: Action types that start a program, reach another file or send data out (ISO 32000 12.6.4).
_ACTIVE_ACTIONS = {"/Launch", "/ImportData", "/SubmitForm", "/GoToE", "/GoToR", "/RichMediaExecute", "/Rendition"}
#: Each refusal, by what was found.
_PDF_REFUSALS = {
    "script": _l(
        "%(name)s contains JavaScript or actions that run by themselves when it is opened. Print it to a new PDF "
        "(Print, then Save as PDF) or scan the paper, and send that file."
    ),
    "action": _l(
        "%(name)s contains actions that start programs or open other files. Print it to a new PDF (Print, then Save "
        "as PDF) or scan the paper, and send that file."
    ),
    "embedded": _l("%(name)s carries other files inside it. Send each document as a file of its own."),
    "xfa": _l(
        "%(name)s is a dynamic (XFA) form that only some programs can show. Print it to a new PDF (Print, then Save "
        "as PDF) and send that file."
    ),
}


def _goes_to_page(action) -> bool:
    return isinstance(action, pikepdf.Dictionary) and str(action.get("/S", "")) == "/GoTo"


def check_pdf(name: str, content: bytes) -> None:
    """Refuse a PDF that does more than show pages (see the module); a damaged or password-protected one too."""
    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            found = active_content(pdf)
    except pikepdf.PasswordError:
        raise UploadError(
            _l("%(name)s is protected by a password. Send it without the password protection.", name=name)
        ) from None
    except (pikepdf.PdfError, ValueError, RecursionError):
        raise _damaged(name) from None
    if found is not None:
        raise UploadError(_PDF_REFUSALS[found] % {"name": name})


def active_content(pdf: pikepdf.Pdf) -> str | None:
    """What active content the PDF holds ("script", "action", "embedded" or "xfa"), or None. Every object of the file
    is looked at, reachable or not, with the dictionaries and arrays written inside it."""
    for root in pdf.objects:
        stack = [root]
        while stack:
            item = stack.pop()
            if isinstance(item, pikepdf.Array):
                stack.extend(filter(_direct_container, item))
            elif isinstance(item, (pikepdf.Dictionary, pikepdf.Stream)):
                found = _active_dictionary(item)
                if found is not None:
                    return found
                stack.extend(filter(_direct_container, item.values()))
    return None


def _direct_container(child) -> bool:
    """An array or dictionary written inside its parent (indirect ones are among ``pdf.objects`` already)."""
    return isinstance(child, (pikepdf.Array, pikepdf.Dictionary)) and not child.is_indirect


def _active_dictionary(item) -> str | None:
    keys = set(item.keys())
    action = str(item.get("/S", ""))
    if "/JS" in keys or action == "/JavaScript" or "/AA" in keys:
        return "script"
    # Going to a page (a destination, or a GoTo action) is all that opening the file may do.
    open_action = item.get("/OpenAction")
    if open_action is not None and not isinstance(open_action, pikepdf.Array) and not _goes_to_page(open_action):
        return "script"
    if action in _ACTIVE_ACTIONS:
        return "action"
    if keys & {"/EmbeddedFiles", "/EF"} or str(item.get("/Type", "")) == "/EmbeddedFile":
        return "embedded"
    if "/XFA" in keys:
        return "xfa"
    return None


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
