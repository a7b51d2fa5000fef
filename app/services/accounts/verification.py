"""Real-name checks by third parties, pluggable by configuration.

``IDENTITY_VERIFIER`` and ``ENTERPRISE_VERIFIER`` name the classes to use. The
built-in ones stand in for the national population database and the national
enterprise register so that the portal runs end to end on one machine.
"""

from dataclasses import dataclass

from flask import current_app
from werkzeug.utils import import_string

from app.extensions import db
from app.models import EnterpriseRegisterEntry


@dataclass(frozen=True)
class VerificationResult:
    ok: bool
    reason: str = ""  # machine code, for the audit trail


class IdentityVerifier:
    """Does this name belong to this identity document (national database)?"""

    def verify(self, document_type: str, document_number: str, name: str) -> VerificationResult:
        raise NotImplementedError


class EnterpriseVerifier:
    """Is this the enterprise, with this legal representative, in the national register?"""

    def verify(
        self, uscc: str, name: str, legal_rep_name: str, legal_rep_document_type: str, legal_rep_document_number: str
    ) -> VerificationResult:
        raise NotImplementedError


class BuiltinIdentityVerifier(IdentityVerifier):
    """Formats are checked before this is called; the "database" rejects a configured list."""

    def verify(self, document_type, document_number, name):
        rejected = set(current_app.config.get("IDENTITY_VERIFIER_REJECTED_NUMBERS", ()))
        if document_number in rejected:
            return VerificationResult(False, "rejected_by_national_database")
        if not name.strip():
            return VerificationResult(False, "empty_name")
        return VerificationResult(True)


class BuiltinEnterpriseVerifier(EnterpriseVerifier):
    """Compares with the demonstration register held in the database."""

    def verify(self, uscc, name, legal_rep_name, legal_rep_document_type, legal_rep_document_number):
        entry = db.session.query(EnterpriseRegisterEntry).filter_by(uscc=uscc).one_or_none()
        if entry is None:
            return VerificationResult(False, "not_in_register")
        if entry.name != name.strip():
            return VerificationResult(False, "name_mismatch")
        if (
            entry.legal_rep_name != legal_rep_name.strip()
            or entry.legal_rep_document_type != legal_rep_document_type
            or entry.legal_rep_document_number != legal_rep_document_number
        ):
            return VerificationResult(False, "legal_rep_mismatch")
        return VerificationResult(True)


def identity_verifier() -> IdentityVerifier:
    return import_string(current_app.config["IDENTITY_VERIFIER"])()


def enterprise_verifier() -> EnterpriseVerifier:
    return import_string(current_app.config["ENTERPRISE_VERIFIER"])()
