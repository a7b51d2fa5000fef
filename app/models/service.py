"""The service catalogue: 事项 and the materials each one requires."""

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship


class ServiceItem(Model):
    """A matter one applies for (事项), with its 办事指南. Staff edit it in the back office."""

    __tablename__ = "service_item"

    id = Column(Integer, primary_key=True)
    code = Column(String(40), nullable=False, unique=True)  # 事项编码
    category = Column(String(16), nullable=False, index=True)  # personal / enterprise
    group = Column(String(40), nullable=False, index=True)
    position = Column(Integer, nullable=False, default=0)
    name = Column(String(200), nullable=False)
    legal_basis = Column(Text, nullable=False, default="")  # 设定依据
    conditions = Column(Text, nullable=False, default="")  # 受理条件
    process = Column(Text, nullable=False, default="")  # 办理流程
    time_limit_days = Column(Integer, nullable=False, default=20)  # 承诺时限 (working days)
    legal_time_limit_days = Column(Integer, nullable=False, default=20)  # 法定时限
    fee = Column(String(100), nullable=False, default="不收费")
    phone = Column(String(100), nullable=False, default="")
    location = Column(String(300), nullable=False, default="")
    online_kind = Column(String(40), unique=True)  # None: online processing not open yet

    materials = relationship(
        "ServiceMaterial", back_populates="item", order_by="ServiceMaterial.position", cascade="all, delete-orphan"
    )

    def __repr__(self):
        return self.name


class ServiceMaterial(Model):
    """One item of 申请材料: required or optional, accepted formats, size limit."""

    __tablename__ = "service_material"

    id = Column(Integer, primary_key=True)
    item_id = Column(Integer, ForeignKey("service_item.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False, default=0)
    name = Column(String(200), nullable=False)
    required = Column(Boolean, nullable=False, default=True)
    formats = Column(String(100), nullable=False, default="jpg,png,pdf")
    max_size_mb = Column(Integer, nullable=False, default=5)
    description = Column(Text, nullable=False, default="")

    item = relationship(ServiceItem, back_populates="materials")

    @property
    def format_list(self):
        return [f.strip().lower() for f in self.formats.split(",") if f.strip()]

    def __repr__(self):
        return self.name
