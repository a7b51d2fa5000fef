"""The materials uploaded with an application: checked before anything is written, stored as versions."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.models import Application, Attachment, ServiceItem
from app.services.platform import storage


@dataclass
class Upload:
    filename: str
    data: bytes


def check_uploads(item: ServiceItem, uploads: dict) -> tuple[dict, dict]:
    """(accepted uploads by material id, field errors), without writing anything."""
    accepted, errors = {}, {}
    materials = {m.id: m for m in item.materials}
    for material_id, upload in uploads.items():
        material = materials.get(material_id)
        if material is None or upload is None or not upload.data:
            continue
        try:
            storage.check(upload.data, material.format_list, material.max_size_mb)
        except storage.UploadRefused as refused:
            errors[f"material_{material_id}"] = _l(
                "%(file)s was not accepted: %(reason)s", file=upload.filename or "", reason=refused.message
            )
        else:
            accepted[material_id] = upload
    return accepted, errors


def store_uploads(application: Application, item: ServiceItem, accepted: dict, written: list[str]) -> None:
    """Store checked uploads as new versions of their materials."""
    materials = {m.id: m for m in item.materials}
    for material_id, upload in accepted.items():
        material = materials[material_id]
        stored = storage.save(upload.data, material.format_list, material.max_size_mb)
        written.append(stored.stored_name)
        previous = [a for a in application.attachments if a.material_id == material_id]
        for old in previous:
            old.is_current = False
        application.attachments.append(
            Attachment(
                material_id=material_id,
                version=len(previous) + 1,
                is_current=True,
                original_name=(upload.filename or "upload")[:255],
                stored_name=stored.stored_name,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
            )
        )


def current_attachments(application: Application | None) -> dict:
    if application is None:
        return {}
    return {a.material_id: a for a in application.attachments if a.is_current}
