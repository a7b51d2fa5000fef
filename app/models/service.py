"""The service catalogue: 事项 and the materials each one requires."""

from flask_appbuilder import Model
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship


class ServiceItem(Model):
    """A matter one applies for (事项), with its 办事指南. Staff edit it in the back office."""

    __tablename__ = "service_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)  # 事项编码
    category: Mapped[str] = mapped_column(String(16), nullable=False, index=True)  # personal / enterprise
    group: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    legal_basis: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 设定依据
    conditions: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 受理条件
    process: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 办理流程
    time_limit_days: Mapped[int] = mapped_column(Integer, nullable=False, default=20)  # 承诺时限 (working days)
    legal_time_limit_days: Mapped[int] = mapped_column(Integer, nullable=False, default=20)  # 法定时限
    fee: Mapped[str] = mapped_column(String(100), nullable=False, default="不收费")
    phone: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    location: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    online_kind: Mapped[str | None] = mapped_column(String(40), unique=True)  # None: online processing not open yet

    materials: Mapped[list["ServiceMaterial"]] = relationship(
        "ServiceMaterial", back_populates="item", order_by="ServiceMaterial.position", cascade="all, delete-orphan"
    )

    @property
    def handling_process(self) -> str:
        """``process`` under a name a form can use (a WTForms form has a method called ``process``)."""
        return self.process

    @handling_process.setter
    def handling_process(self, value: str) -> None:
        self.process = value

    def __repr__(self) -> str:
        return self.name


class ServiceMaterial(Model):
    """One item of 申请材料: required or optional, accepted formats, size limit."""

    __tablename__ = "service_material"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(Integer, ForeignKey("service_item.id"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    formats: Mapped[str] = mapped_column(String(100), nullable=False, default="jpg,png,pdf")
    max_size_mb: Mapped[int] = mapped_column(Integer, nullable=False, default=5)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")

    item: Mapped[ServiceItem] = relationship(ServiceItem, back_populates="materials")

    @property
    def format_list(self) -> list[str]:
        return [f.strip().lower() for f in self.formats.split(",") if f.strip()]

    def __repr__(self) -> str:
        return self.name
