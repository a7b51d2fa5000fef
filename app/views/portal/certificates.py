"""我的证照 (manual chapter 六) for the holder, and the public 证照核验 page the QR code leads to."""

import io

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import lazy_gettext as _l

from app.services.accounts.face_verification import MY_CERTIFICATES
from app.services.certificates import documents as certificate_documents
from app.services.certificates import lifecycle as certificates
from app.services.certificates import signing, verification
from app.services.errors import ServiceError
from app.services.unit_of_work import unit_of_work
from app.views.portal.face import face_verified_required
from app.views.portal.forms import CertificateFileForm, EndorseForm, show_errors
from app.views.portal.rate_limit import limited_per_client
from app.views.portal.session import citizen_required, client_ip, current_citizen

certificates_bp = Blueprint("certificates", __name__)


def _own(certificate_id: int):
    certificate = certificates.owned_certificate(current_citizen(), certificate_id)
    if certificate is None:
        abort(404)
    return certificate


@certificates_bp.route("/user/certificates", methods=["GET", "POST"])
@citizen_required
@face_verified_required(MY_CERTIFICATES)
def index():
    account = current_citizen()
    form = EndorseForm()
    open_dialog = None
    if form.is_submitted() and form.certificate_id.process_errors:
        abort(404)  # not an id at all: no such certificate, as for an unknown id
    if form.validate_on_submit():
        certificate = _own(form.certificate_id.data or 0)
        try:
            with unit_of_work():
                certificates.endorse(
                    account, certificate, form.purpose.data or "", form.purpose_detail.data or "", ip=client_ip()
                )
        except ServiceError as refused:
            open_dialog = certificate.id
            show_errors(form, refused.errors)
        else:
            flash(_l("Endorsed successfully!"), "success")
            return redirect(url_for("certificates.index"))
    cards = certificates.cards_of(account)
    return render_template(
        "portal/user/certificates.html",
        cards=cards,
        purposes=certificates.PURPOSES,
        form=form,
        open_dialog=open_dialog,
        detail_max=certificates.PURPOSE_DETAIL_MAX,
        active_nav="user-center",
    ), (422 if open_dialog else 200)


@certificates_bp.route("/user/certificates/<int:certificate_id>/preview.png")
@citizen_required
def preview(certificate_id):
    certificate = _own(certificate_id)
    response = send_file(io.BytesIO(certificate_documents.preview_png(certificate)), mimetype="image/png")
    response.headers["Cache-Control"] = "private, no-store"
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
    with unit_of_work():
        data = certificate_documents.issue(endorsement, fmt)
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
        retired_keys=signing.retired_keys(),
        kind_titles=certificates.KIND_TITLES,
        purposes=certificates.PURPOSES,
    ), (200 if result.found else 404)


@certificates_bp.route("/certificates/verify", methods=["GET", "POST"])
@limited_per_client("certificate-check", "CERTIFICATE_CHECK_RATE_LIMIT_PER_MINUTE", 20)
def verify_upload():
    """Check a downloaded PDF or OFD: the signed data it carries, then the register."""
    form = CertificateFileForm()
    checked = None
    if form.validate_on_submit():
        upload = form.document.data
        try:
            checked = verification.verify_file(upload.read(verification.UPLOAD_LIMIT_BYTES + 1) if upload else b"")
        except ServiceError as refused:
            show_errors(form, refused.errors)
    return render_template(
        "portal/certificates/verify_upload.html",
        form=form,
        result=checked.result if checked else None,
        file_matches=checked.file_matches if checked else None,
        public_key=_public_key(),
        retired_keys=signing.retired_keys(),
        kind_titles=certificates.KIND_TITLES,
        purposes=certificates.PURPOSES,
    ), (422 if form.errors else 200)


def _public_key() -> str:
    return signing.installation_key().public_key
