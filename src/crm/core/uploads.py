"""Checks on uploaded files, shared by attachments and imports: size, allowed kind, and that the
content is what the name says (a renamed .exe is refused)."""

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from crm.core.errors import NotFound, TooLarge, ValidationFailed

# extension -> the start of the file that kind has (None: text, checked by decoding)
SIGNATURES = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "zip": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "ppt": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "rar": (b"Rar!\x1a\x07",),
    "7z": (b"7z\xbc\xaf\x27\x1c",),
    "txt": None,
    "csv": None,
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "zip": "application/zip",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "rar": "application/vnd.rar",
    "7z": "application/x-7z-compressed",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in (name or "") else ""


def check_upload(upload, *, allowed=tuple(SIGNATURES), max_bytes: int | None = None) -> str:
    """Raise unless the file is small enough, of an allowed kind, and looks like that kind.
    Returns the content type to store and to serve it with."""
    limit = max_bytes or settings.CRM_UPLOAD_MAX_BYTES
    size = getattr(upload, "size", None) or 0
    if size > limit:
        raise TooLarge(
            _("The file is %(size)s; at most %(limit)s may be uploaded.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    if size == 0:
        raise ValidationFailed(fields={"file": [_("The file is empty.")]})
    kind = extension(getattr(upload, "name", ""))
    if kind not in allowed:
        raise ValidationFailed(
            fields={
                "file": [_("Files of this kind cannot be uploaded. Allowed: %(kinds)s") % {"kinds": ", ".join(allowed)}]
            }
        )
    head = upload.read(2048)
    upload.seek(0)
    signatures = SIGNATURES.get(kind)
    if signatures is None:
        if b"\x00" in head:
            raise ValidationFailed(fields={"file": [_("The file's content does not match its name.")]})
    elif not any(head.startswith(signature) for signature in signatures):
        raise ValidationFailed(fields={"file": [_("The file's content does not match its name.")]})
    return CONTENT_TYPES.get(kind, "application/octet-stream")


def stored_file(field_file):
    """A stored file opened for a download; NotFound (404) when the record has none or its file
    is gone (deleted, expired, not in the backup it was restored from), never a 500."""
    if not field_file:
        raise NotFound(_("The file is no longer kept."))
    try:
        return field_file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise NotFound(_("The file is no longer kept.")) from exc
