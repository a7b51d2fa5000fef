"""到期提醒: one row per reminder the portal has delivered (or is delivering) to a holder.

The ``key`` names the holder, the event and the threshold (``registration_expiry:12:2027-03-01:30:acct7``):
its unique index is what makes the reminder job deliver each reminder exactly once, however often it
runs and wherever it stopped last time.
"""

import datetime

from flask_appbuilder import Model
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.models.account import Account


class ReminderDelivery(Model):
    __tablename__ = "reminder_delivery"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(160), nullable=False, unique=True)
    account_id: Mapped[int] = mapped_column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    threshold_days: Mapped[int] = mapped_column(Integer, nullable=False)
    subject: Mapped[str] = mapped_column(String(100), nullable=False, default="")  # 注册编号, 申报编号 ...
    due_on: Mapped[datetime.date] = mapped_column(Date, nullable=False)  # the day the right lapses
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, default=clock.now, index=True)
    inbox_message_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("inbox_message.id"))
    # The SMS: wanted (a bound phone), and when the gateway took it (None: not yet; the next run retries).
    sms_wanted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    sms_sent_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)

    account: Mapped[Account] = relationship(Account)

    @property
    def holder_name(self) -> str:
        return (self.account.real_name or "") if self.account else ""
