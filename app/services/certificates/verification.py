"""证照核验 of a file: a downloaded PDF or OFD certificate is checked by the signed data it carries, then
against the register (``lifecycle.verify_code``)."""

import io
import json
import zipfile
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.services.certificates import issued_files, lifecycle
from app.services.certificates.documents import SIGNATURE_ATTACHMENT
from app.services.errors import ServiceError

UPLOAD_LIMIT_BYTES = 5 * 1024 * 1024
SIGNATURE_MAX_BYTES = 64 * 1024  # the signed data a certificate carries is a few KB
PDF_STREAM_MAX_BYTES = 8 * 1024 * 1024  # no stream of a certificate PDF decodes to more


@dataclass(frozen=True)
class FileVerification:
    result: lifecycle.Verification
    file_matches: bool | None = None  # authentic data: is this byte for byte a file the portal issued?


def verify_file(data: bytes) -> FileVerification:
    """What a certificate file says and whether it holds; ServiceError (field ``document``) if it is none of ours.

    ``data`` is read at most one byte past UPLOAD_LIMIT_BYTES by the caller.
    """
    if not data:
        raise ServiceError.on("document", _l("Please choose a PDF or OFD certificate file"))
    if len(data) > UPLOAD_LIMIT_BYTES:
        raise ServiceError.on(
            "document", _l("The file is larger than %(mb)d MB", mb=UPLOAD_LIMIT_BYTES // (1024 * 1024))
        )
    signed = embedded_signature(data)
    if signed is None:
        raise ServiceError.on("document", _l("This file is not an electronic certificate issued by this portal"))
    if not lifecycle.verify_signed(signed["payload"], signed["signature"], signed.get("key_id") or ""):
        return FileVerification(lifecycle.Verification(found=True, authentic=False, verdict=lifecycle.FORGED))
    code = json.loads(signed["payload"])["endorsement"]["code"]
    result = lifecycle.verify_code(code)
    return FileVerification(result, file_matches=result.found and issued_files.issued_code(data) == code)


def embedded_signature(data: bytes) -> dict | None:
    """The signed payload a certificate file carries (PDF attachment or OFD attachment), if any.

    Nothing is unpacked past SIGNATURE_MAX_BYTES (a ZIP entry) or PDF_STREAM_MAX_BYTES (a PDF stream), so a
    small upload that inflates to gigabytes is refused (ServiceError) before it costs memory.
    """
    try:
        if data.startswith(b"%PDF"):
            raw = _pdf_attachment(data)
        elif data.startswith(b"PK"):
            raw = _ofd_attachment(data)
        else:
            return None
        signed = json.loads(raw) if raw else None
    except ServiceError:
        raise
    except Exception:  # noqa: BLE001 - any unreadable upload is simply "not one of ours"
        return None
    if not isinstance(signed, dict) or not all(isinstance(signed.get(k), str) for k in ("payload", "signature")):
        return None
    return signed


def _too_large() -> ServiceError:
    return ServiceError.on("document", _l("The file unpacks to more data than a certificate holds; it was not checked"))


def _ofd_attachment(data: bytes) -> bytes | None:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        try:
            entry = package.getinfo(f"Doc_0/Attachs/{SIGNATURE_ATTACHMENT}")
        except KeyError:
            return None
        if entry.file_size > SIGNATURE_MAX_BYTES:  # the size the archive declares, checked before unpacking
            raise _too_large()
        with package.open(entry) as member:
            raw = member.read(SIGNATURE_MAX_BYTES + 1)  # and a hard cap, whatever it declares
    if len(raw) > SIGNATURE_MAX_BYTES:
        raise _too_large()
    return raw


def _pdf_attachment(data: bytes) -> bytes | None:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError

    limit = PDF_STREAM_MAX_BYTES
    try:
        with apply_configuration(
            maximum_declared_stream_length=UPLOAD_LIMIT_BYTES,
            array_based_stream_maximum_output_length=limit,
            jbig2_maximum_output_length=limit,
            lzw_maximum_output_length=limit,
            run_length_maximum_output_length=limit,
            zlib_maximum_output_length=limit,
            brotli_maximum_output_length=limit,
            image_maximum_buffer_size=limit,
            stream_decoding_work_maximum_length=2 * limit,
            xfa_decoding_work_maximum_length=2 * limit,
        ):
            found = PdfReader(io.BytesIO(data)).attachments.get(SIGNATURE_ATTACHMENT)
    except LimitReachedError:
        raise _too_large() from None
    raw = found[0] if found else None
    if raw is not None and len(raw) > SIGNATURE_MAX_BYTES:
        raise _too_large()
    return raw
