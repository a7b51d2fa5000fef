"""常见问题: what the public FAQ page shows."""

from app.extensions import db
from app.models import FaqEntry


def published_entries():
    return (
        db.session.query(FaqEntry).filter(FaqEntry.published.is_(True)).order_by(FaqEntry.position, FaqEntry.id).all()
    )
