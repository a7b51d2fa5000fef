"""Rotation of the SM2 key that signs the electronic certificates (``flask portal rotate-signing-key``):
what was signed before still verifies by its ``key_id``, what is signed after carries the new one, and a process
that cached the old key reads the key file again when it meets a key it does not know."""

import json
import re
import stat

import pytest
from flask import current_app

from app.models import AuditRecord, CertificateEndorsement
from app.services.api import reads
from app.services.certificates import lifecycle, signing
from tests.factories import AccountFactory, PersonRegistrationFactory


@pytest.fixture
def key_folder(app, tmp_path):
    """The signing key of this test alone: a rotation must not change the key the other tests sign with."""
    before = app.config["CERTIFICATE_SIGNING_KEY_PATH"]
    app.config["CERTIFICATE_SIGNING_KEY_PATH"] = str(tmp_path / "keys" / "certificate-sm2.json")
    yield tmp_path / "keys"
    app.config["CERTIFICATE_SIGNING_KEY_PATH"] = before
    with app.app_context():
        signing.forget_key()


def endorsed(db) -> CertificateEndorsement:
    account = AccountFactory()
    registration = PersonRegistrationFactory(
        holder_name=account.real_name, holder_document_number=account.document_number
    )
    db.session.flush()
    endorsement = lifecycle.endorse(account, lifecycle.issue_for(registration), "bidding")
    db.session.commit()
    return endorsement


def rotate(app) -> tuple[str, str]:
    result = app.test_cli_runner().invoke(args=["portal", "rotate-signing-key"])
    assert result.exit_code == 0, result.output
    old, new = re.search(r"old key_id ([0-9a-f]{16}).*new key_id ([0-9a-f]{16})", result.output).groups()
    return old, new


def verdict(client, code: str) -> str:
    return re.search(r'data-verdict="([a-z_]+)"', client.get(f"/certificates/verify/{code}").get_data(as_text=True))[1]


def test_a_certificate_signed_before_the_rotation_still_verifies_and_a_new_one_carries_the_new_key(
    app, db, client, key_folder
):
    before = endorsed(db)
    old_key = signing.installation_key()
    old_id, new_id = rotate(app)
    assert old_id == old_key.key_id == before.key_id and new_id != old_id
    assert signing.installation_key().key_id == new_id  # this process signs with the new key at once

    after = endorsed(db)
    assert after.key_id == new_id
    for endorsement in (before, after):
        assert lifecycle.verify_code(endorsement.public_code).valid
        assert verdict(client, endorsement.public_code) == "valid"
    page = client.get(f"/certificates/verify/{before.public_code}").get_data(as_text=True)
    assert "04" + signing.installation_key().public_key in page and "04" + old_key.public_key in page
    published = reads.certificate_verification(before.public_code)["signature"]
    assert published["public_key"] == "04" + old_key.public_key  # the key that signed this one
    assert [(k["key_id"], k["public_key"]) for k in published["retired_keys"]] == [(old_id, "04" + old_key.public_key)]

    rotation = db.session.query(AuditRecord).filter_by(event="certificate.signing_key_rotated").one()
    assert rotation.detail == {"old_key_id": old_id, "new_key_id": new_id}


def test_a_tampered_key_id_or_signature_is_not_authentic(app, db, client, key_folder):
    before = endorsed(db)
    _old_id, new_id = rotate(app)
    after = endorsed(db)

    before.key_id = new_id  # signed by the old key, claimed for the new one
    after.signature = before.signature
    db.session.commit()
    assert verdict(client, before.public_code) == "forged" and verdict(client, after.public_code) == "forged"
    assert not lifecycle.verify_signed(before.payload, before.signature, "0" * 16)  # a key this portal never had
    assert not lifecycle.verify_signed(before.payload, before.signature, "")


def test_the_keyring_keeps_public_keys_only_and_is_the_service_users_alone(app, db, key_folder):
    first = signing.installation_key()
    rotate(app)
    second = signing.installation_key()
    rotate(app)

    keyring_file = key_folder / "certificate-sm2-retired.json"
    keyring = json.loads(keyring_file.read_text())
    assert [entry["key_id"] for entry in keyring] == [first.key_id, second.key_id]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", keyring[0]["retired_at"])  # Beijing time
    text = keyring_file.read_text()
    assert first.private_key not in text and second.private_key not in text
    assert all(set(entry) == {"key_id", "public_key", "retired_at"} for entry in keyring)
    for path in (keyring_file, key_folder / "certificate-sm2.json"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in key_folder.iterdir()) == ["certificate-sm2-retired.json", "certificate-sm2.json"]


def test_a_process_that_cached_the_old_key_reads_the_key_file_again_for_a_new_key_id(app, db, key_folder):
    before = endorsed(db)
    stale = signing.installation_key()
    path, keyring_path = signing.key_path(), signing.retired_path()
    rotate(app)  # as if in another process
    after = endorsed(db)

    # This process still holds what it read before the rotation: the old key and no keyring.
    current_app.extensions["certificate_signing_key"] = (path, stale)
    current_app.extensions["certificate_retired_keys"] = (keyring_path, [])
    assert lifecycle.verify_code(after.public_code).valid
    assert signing.installation_key().key_id == after.key_id  # and it now signs with the new key too
    assert lifecycle.verify_code(before.public_code).valid


def test_a_file_downloaded_before_the_rotation_still_checks_as_authentic(app, db, key_folder):
    from app.services.certificates import documents, verification

    ofd = documents.render(endorsed(db), "ofd")
    rotate(app)
    assert verification.verify_file(ofd).result.valid
    signed = verification.embedded_signature(ofd)
    assert not lifecycle.verify_signed(signed["payload"], signed["signature"], signing.installation_key().key_id)
