"""Uploaded files, one implementation for every app: the type is what the bytes say, not what the
name says; a size cap; a virus-scan hook; a random stored name.

`CheckedFileField` (forms) and serializers (through `CheckedFileField(...).clean(value)`) both end in
`check_upload`, so a page and the API refuse the same files with the same words. Services that take
a file from elsewhere (a task, a command) call `check_upload` themselves.

Virus scanning: `settings.SFMS_UPLOAD_SCANNER` names a callable `scan(path_or_file)` (dotted path).
It gets the temporary file's path when Django spooled the upload to disk, otherwise the file object
(rewound). It returns to accept the file; it raises `InfectedFile` (or Django's ValidationError) to
refuse it as malware, and anything else it raises refuses the file as "could not be checked"
(fail closed). The default, `no_scan`, accepts everything.
"""

import io
import logging
import uuid
import zipfile

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# Extension -> the content kind it must carry.
EXTENSION_KIND = {
    "pdf": "pdf",
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "hwp": "ole",
    "doc": "ole",
    "xls": "ole",
    "ppt": "ole",
    "hwpx": "hwpx",
    "docx": "docx",
    "xlsx": "xlsx",
    "pptx": "pptx",
}
DOCUMENT_KINDS = frozenset(EXTENSION_KIND.values())
PDF_ONLY = frozenset({"pdf"})
KIND_LABEL = {
    "pdf": "PDF",
    "png": _("PNG 이미지"),
    "jpeg": _("JPG 이미지"),
    "ole": _("한글(HWP) 또는 MS 오피스 97–2003 문서"),
    "hwpx": _("한글(HWPX) 문서"),
    "docx": _("워드(DOCX) 문서"),
    "xlsx": _("엑셀(XLSX) 문서"),
    "pptx": _("파워포인트(PPTX) 문서"),
    "zip": _("ZIP 압축 파일"),
}
CONTENT_TYPE = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "hwp": "application/x-hwp",
    "hwpx": "application/hwp+zip",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: HWP 5.x, .doc, .xls, .ppt
ZIP_MAGIC = b"PK\x03\x04"  # HWPX and Office Open XML are zip packages
ACCEPTED_TEXT = _("PDF, 한글(HWP·HWPX), 워드·엑셀·파워포인트, JPG·PNG")

ERROR_MESSAGES = {
    "required": _("올릴 파일을 선택해 주십시오."),
    "empty": _("선택한 파일이 비어 있습니다. 내용이 있는 파일을 선택해 주십시오."),
    "invalid": _("파일을 올리지 못했습니다. 파일을 다시 선택해 주십시오."),
    "missing": _("파일을 올리지 못했습니다. 파일을 다시 선택해 주십시오."),
    "too_large": _("선택한 파일은 %(limit)s 이하여야 합니다. (선택한 파일: %(size)s)"),
    "extension": _("선택한 파일은 %(accepted)s 형식이어야 합니다."),
    "unknown": _("선택한 파일의 내용이 %(accepted)s 형식이 아닙니다. 파일을 확인해 주십시오."),
    "mismatch": _(
        "선택한 파일의 내용이 확장자(.%(ext)s)와 맞지 않습니다. 파일 내용은 %(actual)s입니다. "
        "올바른 파일을 선택해 주십시오."
    ),
    "infected": _("선택한 파일에서 악성코드가 발견되었습니다."),
    "scan_failed": _("선택한 파일을 검사하지 못했습니다. 잠시 후 다시 올려 주십시오."),
}


class InfectedFile(Exception):
    """Raised by a scanner when the file carries malware."""


def no_scan(path_or_file):
    """The default scanner: accepts every file (deployments plug in ClamAV or similar)."""
    return None


def _zip_kind(fileobj):
    """Which package a zip is, by its members: HWPX has `mimetype` = application/hwp+zip, OOXML has
    `[Content_Types].xml` and a word/, xl/ or ppt/ folder."""
    try:
        with zipfile.ZipFile(fileobj) as package:
            names = set(package.namelist())
            if "mimetype" in names and package.read("mimetype").strip() == b"application/hwp+zip":
                return "hwpx"
            if "[Content_Types].xml" in names:
                for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
                    if any(name.startswith(prefix) for name in names):
                        return kind
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    return "zip"


def sniff(fileobj):
    """The content kind of an uploaded file from its first bytes (magic numbers), or None.

    pdf, png, jpeg, ole (HWP 5.x and Office 97–2003 share the compound-file header), hwpx, docx,
    xlsx, pptx, or zip for any other zip package."""
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(ZIP_MAGIC):
        data = fileobj.read()
        fileobj.seek(0)
        return _zip_kind(io.BytesIO(data))
    return None


def extension_of(name):
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def human_size(size):
    """ "17KB", "2.4MB" (KRDS file-list style)."""
    if size is None:
        return ""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))}KB"
    return f"{size / (1024 * 1024):.1f}MB"


def limit_text(max_bytes):
    """ "10MB" for a cap in whole megabytes, else the human size."""
    megabytes, rest = divmod(max_bytes, 1024 * 1024)
    return f"{megabytes}MB" if megabytes and not rest else human_size(max_bytes)


def accepted_text(kinds):
    """The accepted formats in words: the long list for documents, "PDF" for PDF only."""
    if frozenset(kinds) == DOCUMENT_KINDS:
        return ACCEPTED_TEXT
    return format_lazy(", ".join("{}" for _kind in sorted(kinds)), *(KIND_LABEL[k] for k in sorted(kinds)))


def scan(uploaded):
    """Run the configured scanner on the upload; ValidationError when it refuses the file."""
    dotted = getattr(settings, "SFMS_UPLOAD_SCANNER", "") or "organizations.uploads.no_scan"
    scanner = import_string(dotted)
    target = uploaded.temporary_file_path() if hasattr(uploaded, "temporary_file_path") else uploaded
    try:
        scanner(target)
    except (InfectedFile, ValidationError) as exc:
        logger.warning("upload refused by the virus scanner: %s", exc)
        raise ValidationError(ERROR_MESSAGES["infected"], code="infected") from exc
    except Exception as exc:  # a scanner that is down must not let files through (fail closed)
        logger.exception("virus scanner failed")
        raise ValidationError(ERROR_MESSAGES["scan_failed"], code="scan_failed") from exc
    finally:
        if hasattr(uploaded, "seek"):
            uploaded.seek(0)


def check_upload(uploaded, *, kinds=DOCUMENT_KINDS, max_bytes=MAX_UPLOAD_BYTES, messages=None):
    """Accept an uploaded file or raise ValidationError with the words a person can act on.

    Checks, cheapest first: size, extension, content kind (and that the two agree), then the virus
    scanner. Returns the same file renamed to a random name with its real extension; the name the
    person gave is kept in `original_name` on the file object."""
    messages = {**ERROR_MESSAGES, **(messages or {})}
    accepted = accepted_text(kinds)
    if not uploaded.size:
        raise ValidationError(messages["empty"], code="empty")
    if uploaded.size > max_bytes:
        raise ValidationError(
            messages["too_large"],
            code="too_large",
            params={"limit": limit_text(max_bytes), "size": human_size(uploaded.size)},
        )
    original = (uploaded.name or "").replace("\\", "/").rsplit("/", 1)[-1]
    ext = extension_of(original)
    expected = EXTENSION_KIND.get(ext)
    if expected is None or expected not in kinds:
        raise ValidationError(messages["extension"], code="extension", params={"accepted": accepted})
    actual = sniff(uploaded)
    if actual is None:
        raise ValidationError(messages["unknown"], code="unknown", params={"accepted": accepted})
    if actual != expected:
        raise ValidationError(
            messages["mismatch"], code="mismatch", params={"ext": ext, "actual": KIND_LABEL[actual]}
        )
    scan(uploaded)
    uploaded.checked_kinds = frozenset(kinds)  # services trust a file checked for their kinds
    uploaded.original_name = original[-200:]
    uploaded.name = f"{uuid.uuid4().hex}.{ext}"
    return uploaded


class CheckedFileField(forms.FileField):
    """A document upload, its type checked by content (see `check_upload`).

    By default PDF, HWP/HWPX, Office, JPG/PNG up to 10 MB; `kinds` narrows the accepted content
    kinds (e.g. `PDF_ONLY`). Cleans to the uploaded file renamed to a random name with its real
    extension; the name the person gave is kept in `original_name` on the file object."""

    default_error_messages = ERROR_MESSAGES

    def __init__(self, *, kinds=DOCUMENT_KINDS, max_bytes=MAX_UPLOAD_BYTES, **kwargs):
        self.kinds = frozenset(kinds)
        self.max_bytes = max_bytes
        extensions = [ext for ext, kind in EXTENSION_KIND.items() if kind in self.kinds]
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": ",".join(f".{e}" for e in extensions)}))
        kwargs.setdefault(
            "help_text",
            format_lazy(
                _("{accepted} 파일, {limit} 이하"),
                accepted=accepted_text(self.kinds),
                limit=limit_text(max_bytes),
            ),
        )
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {}

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if not uploaded or uploaded is initial:
            return uploaded
        return check_upload(
            uploaded, kinds=self.kinds, max_bytes=self.max_bytes, messages=self.error_messages
        )


class PdfFileField(CheckedFileField):
    """A PDF only (official reports), up to 10 MB."""

    def __init__(self, **kwargs):
        kwargs.setdefault("kinds", PDF_ONLY)
        super().__init__(**kwargs)
