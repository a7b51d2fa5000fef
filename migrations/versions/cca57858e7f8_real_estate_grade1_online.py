"""房地产开发企业一级资质核定 online: the enterprise register's 成立日期; the item opened in its sub-system

Revision ID: cca57858e7f8
Revises: 54803bd7423f
Create Date: 2026-12-04 16:40:00.000000

The catalogue item 11100000000013338W1000117061001 is opened online (``online_kind``
real_estate_grade1); its guide describes the 房地产开发企业一级资质核定系统 and the rules it
checks, the 申报表 upload is dropped (the system's own steps are the 申报表) and the present
qualification certificate is asked only of companies that hold one. Written here for
installations whose catalogue was seeded before (staff edits of the texts are kept).
"""
from alembic import op
import sqlalchemy as sa

# The shipped catalogue's texts as of this revision (app/seed/catalogue_data.py), frozen here.
REAL_ESTATE_APPLY = '企业通过法人账号登录住房和城乡建设部政务服务门户，法定代表人通过人脸识别后，进入【房地产开发企业一级资质核定系统】，依次在线填写企业基本信息（由企业登记和资质库预填）、经营业绩（已竣工项目）和专业技术人员，系统按一级资质标准核对开发年限、近3年竣工面积和人员数量，并在注册人员库中核对人员；每一步可保存草稿，下次登录从未完成的步骤继续；在【承诺与申报】中核对全部信息、上传申请材料，作出承诺并以短信验证码确认提交。退回补正的，企业在本系统中修改后重新提交。'
REAL_ESTATE_CERTIFICATE_DESCRIPTION = '已取得房地产开发企业资质的，提供现有资质证书正、副本扫描件'
REAL_ESTATE_CONDITIONS = '1. 从事房地产开发经营5年以上（自企业登记的成立日期起算）；\n2. 近3年房屋建筑面积累计竣工30万平方米以上（按申报的已竣工项目的竣工面积和竣工年份计算）；\n3. 连续5年建筑工程质量合格率达100%，未发生过重大工程质量事故；\n4. 有职称的建筑、结构、财务、房地产及有关经济类的专业管理人员不少于40人，其中具有中级以上职称的管理人员不少于20人，专职会计人员不少于4人；\n5. 工程技术、财务、统计等业务负责人具有相应专业中级以上职称；\n6. 具有完善的质量保证体系，商品住宅销售中实行了《住宅质量保证书》和《住宅使用说明书》制度。'

# revision identifiers, used by Alembic.
revision = 'cca57858e7f8'
down_revision = '54803bd7423f'
branch_labels = None
depends_on = None

ITEM_CODE = "11100000000013338W1000117061001"
ONLINE_KIND = "real_estate_grade1"
FORM_MATERIAL = "房地产开发企业资质申报表"
CERTIFICATE_MATERIAL = "企业资质证书"
OFFLINE_APPLY = "本事项暂未开通网上办理：企业向住房和城乡建设部政务服务大厅窗口提交申请表及申请材料。"
OFFLINE_DELIVER = "结果书面通知企业，资质证书按通知领取。"
ONLINE_DELIVER = (
    "结果通过门户【用户中心】的站内消息和短信通知企业，电子资质证书可在【我的证照】中加注后下载（PDF、OFD）。"
)
OLD_CONDITIONS = "\n".join(
    f"{number}. {line}"
    for number, line in enumerate(
        (
            "从事房地产开发经营5年以上；",
            "近3年房屋建筑面积累计竣工及开发投资额等开发经营业绩达到一级资质标准；",
            "连续5年建筑工程质量合格，未发生重大工程质量安全事故；",
            "有职称的建筑、结构、财务、房地产及有关经济类专业管理人员数量满足标准，"
            "工程技术、财务、统计等业务负责人具有相应专业职称；",
            "具有完善的质量保证体系，商品住宅销售中实行了《住宅质量保证书》和《住宅使用说明书》制度；",
            "具体指标以《房地产开发企业资质管理规定》及其资质标准为准。",
        ),
        start=1,
    )
)


def _texts(bind, item_id, *, apply_old, apply_new, deliver_old, deliver_new, conditions_old, conditions_new):
    bind.execute(
        sa.text(
            "UPDATE service_item SET process = REPLACE(REPLACE(process, :apply_old, :apply_new), "
            ":deliver_old, :deliver_new) WHERE id = :id"
        ),
        {"apply_old": apply_old, "apply_new": apply_new, "deliver_old": deliver_old, "deliver_new": deliver_new,
         "id": item_id},
    )
    bind.execute(
        sa.text("UPDATE service_item SET conditions = :new WHERE id = :id AND conditions = :old"),
        {"new": conditions_new, "old": conditions_old, "id": item_id},
    )


def upgrade():
    with op.batch_alter_table('enterprise_register_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('established_on', sa.Date(), nullable=True))
    bind = op.get_bind()
    item_id = bind.execute(sa.text("SELECT id FROM service_item WHERE code = :code"), {"code": ITEM_CODE}).scalar()
    if item_id is None:
        return
    taken = bind.execute(
        sa.text("SELECT id FROM service_item WHERE online_kind = :kind"), {"kind": ONLINE_KIND}
    ).scalar()
    if taken is None:
        bind.execute(
            sa.text("UPDATE service_item SET online_kind = :kind WHERE id = :id"), {"kind": ONLINE_KIND, "id": item_id}
        )
    _texts(
        bind,
        item_id,
        apply_old=OFFLINE_APPLY,
        apply_new=REAL_ESTATE_APPLY,
        deliver_old=OFFLINE_DELIVER,
        deliver_new=ONLINE_DELIVER,
        conditions_old=OLD_CONDITIONS,
        conditions_new=REAL_ESTATE_CONDITIONS,
    )
    form_id = bind.execute(
        sa.text("SELECT id FROM service_material WHERE item_id = :id AND name = :name"),
        {"id": item_id, "name": FORM_MATERIAL},
    ).scalar()
    if form_id is not None:
        used = bind.execute(
            sa.text("SELECT id FROM attachment WHERE material_id = :id"), {"id": form_id}
        ).scalar()
        if used is None:
            bind.execute(sa.text("DELETE FROM service_material WHERE id = :id"), {"id": form_id})
    bind.execute(
        sa.text(
            "UPDATE service_material SET required = :required, description = :description "
            "WHERE item_id = :id AND name = :name"
        ),
        {"required": False, "description": REAL_ESTATE_CERTIFICATE_DESCRIPTION, "id": item_id,
         "name": CERTIFICATE_MATERIAL},
    )


def downgrade():
    bind = op.get_bind()
    item_id = bind.execute(sa.text("SELECT id FROM service_item WHERE code = :code"), {"code": ITEM_CODE}).scalar()
    if item_id is not None:
        bind.execute(
            sa.text("UPDATE service_item SET online_kind = NULL WHERE id = :id AND online_kind = :kind"),
            {"id": item_id, "kind": ONLINE_KIND},
        )
        _texts(
            bind,
            item_id,
            apply_old=REAL_ESTATE_APPLY,
            apply_new=OFFLINE_APPLY,
            deliver_old=ONLINE_DELIVER,
            deliver_new=OFFLINE_DELIVER,
            conditions_old=REAL_ESTATE_CONDITIONS,
            conditions_new=OLD_CONDITIONS,
        )
    with op.batch_alter_table('enterprise_register_entry', schema=None) as batch_op:
        batch_op.drop_column('established_on')
