"""我的证照 (manual chapter 六) for the holder, and the public 证照核验 page the QR code leads to."""

import io
import json
import zipfile

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.services.accounts.face_verification import MY_CERTIFICATES
from app.services.certificates import documents as certificate_documents
from app.services.certificates import lifecycle as certificates
from app.services.certificates import signing
from app.services.errors import ServiceError
from app.views.portal.face import face_verified_required
from app.views.portal.session import citizen_required, client_ip, current_citizen

certificates_bp = Blueprint("certificates", __name__)

UPLOAD_LIMIT_BYTES = 5 * 1024 * 1024


def _own(certificate_id: int):
    certificate = certificates.owned_certificate(current_citizen(), certificate_id)
    if certificate is None:
        abort(404)
    return certificate


def _card(certificate) -> dict:
    # Each state is worked out once: the endorsement state compares against the register (a query).
    status = certificates.status_of(certificate)
    state = certificates.endorsement_state(certificate)
    valid = status == certificates.VALID
    return {
        "certificate": certificate,
        "title": certificates.KIND_TITLES[certificate.registration.qualification],
        "status": status,
        "status_label": certificates.STATUS_LABELS[status],
        "state": state,
        "state_label": certificates.ENDORSEMENT_LABELS[state],
        "endorsement": certificates.latest_endorsement(certificate),
        "can_download": valid and state == certificates.LIVE,
        "can_endorse": valid and state != certificates.LIVE,
    }


@certificates_bp.route("/user/certificates", methods=["GET", "POST"])
@citizen_required
@face_verified_required(MY_CERTIFICATES)
def index():
    account = current_citizen()
    errors, values, open_dialog = {}, {}, None
    if request.method == "POST":
        certificate = _own(request.form.get("certificate_id", type=int) or 0)
        values = {"purpose": request.form.get("purpose", ""), "purpose_detail": request.form.get("purpose_detail", "")}
        try:
            certificates.endorse(account, certificate, values["purpose"], values["purpose_detail"], ip=client_ip())
        except ServiceError as refused:
            db.session.rollback()
            errors, open_dialog = refused.errors, certificate.id
            if "form" in errors:  # about the certificate, not a field: said at the top of the page
                flash(errors["form"], "error")
        else:
            db.session.commit()
            flash(_l("Endorsed successfully!"), "success")
            return redirect(url_for("certificates.index"))
    cards = [_card(c) for c in certificates.certificates_of(account)]
    return render_template(
        "portal/user/certificates.html",
        cards=cards,
        purposes=certificates.PURPOSES,
        errors=errors,
        values=values,
        open_dialog=open_dialog,
        detail_max=certificates.PURPOSE_DETAIL_MAX,
        active_nav="user-center",
    ), (422 if errors else 200)


@certificates_bp.route("/user/certificates/<int:certificate_id>/preview.png")
@citizen_required
def preview(certificate_id):
    certificate = _own(certificate_id)
    response = send_file(io.BytesIO(certificate_documents.preview_png(certificate)), mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@certificates_bp.route("/user/certificates/<int:certificate_id>/download.<fmt>")
@citizen_required
@face_verified_required(MY_CERTIFICATES)
def download(certificate_id, fmt):
    if fmt not in certificate_documents.FORMATS:
        abort(404)
    certificate = _own(certificate_id)
    if not certificates.can_download(certificate):
        flash(_l("Please endorse the certificate first (证照加注)"), "error")
        return redirect(url_for("certificates.index"))
    endorsement = certificates.latest_endorsement(certificate)
    data = certificate_documents.document(endorsement, fmt)
    response = send_file(
        io.BytesIO(data),
        mimetype=certificate_documents.FORMATS[fmt],
        as_attachment=True,
        download_name=certificate_documents.file_name(endorsement, fmt),
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- 证照核验, for anyone ------------------------------------------------------


@certificates_bp.route("/certificates/verify/<code>")
def verify(code):
    result = certificates.verify_code(code)
    return render_template(
        "portal/certificates/verify.html",
        result=result,
        code=code,
        public_key=_public_key(),
        kind_titles=certificates.KIND_TITLES,
        purposes=certificates.PURPOSES,
    ), (200 if result.found else 404)


@certificates_bp.route("/certificates/verify", methods=["GET", "POST"])
def verify_upload():
    """Check a downloaded PDF or OFD: the signed data it carries, then the register."""
    error, result, file_matches = None, None, None
    if request.method == "POST":
        upload = request.files.get("document")
        data = upload.read(UPLOAD_LIMIT_BYTES + 1) if upload else b""
        if not data:
            error = _l("Please choose a PDF or OFD certificate file")
        elif len(data) > UPLOAD_LIMIT_BYTES:
            error = _l("The file is larger than %(mb)d MB", mb=UPLOAD_LIMIT_BYTES // (1024 * 1024))
        else:
            signed = _embedded_signature(data)
            if signed is None:
                error = _l("This file is not an electronic certificate issued by this portal")
            elif not certificates.verify_signed(signed.get("payload", ""), signed.get("signature", "")):
                result = certificates.Verification(found=True, authentic=False, verdict=certificates.FORGED)
            else:
                code = json.loads(signed["payload"])["endorsement"]["code"]
                result = certificates.verify_code(code)
                file_matches = result.found and _stored_payload(code) == signed["payload"]
    return render_template(
        "portal/certificates/verify_upload.html",
        error=error,
        result=result,
        file_matches=file_matches,
        public_key=_public_key(),
        kind_titles=certificates.KIND_TITLES,
        purposes=certificates.PURPOSES,
    ), (422 if error else 200)


def _public_key() -> str:
    return signing.installation_key().public_key


def _stored_payload(code: str) -> str | None:
    from app.models import CertificateEndorsement

    endorsement = db.session.query(CertificateEndorsement).filter_by(public_code=code).first()
    return endorsement.payload if endorsement else None


def _embedded_signature(data: bytes) -> dict | None:
    """The signed payload a certificate file carries (PDF attachment or OFD attachment), if any."""
    name = certificate_documents.SIGNATURE_ATTACHMENT
    try:
        if data.startswith(b"%PDF"):
            from pypdf import PdfReader

            found = PdfReader(io.BytesIO(data)).attachments.get(name)
            raw = found[0] if found else None
        elif data.startswith(b"PK"):
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                raw = package.read(f"Doc_0/Attachs/{name}") if f"Doc_0/Attachs/{name}" in package.namelist() else None
        else:
            return None
        signed = json.loads(raw) if raw else None
        return signed if isinstance(signed, dict) else None
    except Exception:  # noqa: BLE001 - any unreadable upload is simply "not one of ours"
        return None
