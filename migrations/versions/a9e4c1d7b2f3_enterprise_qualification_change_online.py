"""Enterprise items online: the qualification register's address, capital and legal representative;
electronic enterprise qualification certificates; 建筑业企业资质认定（变更-遗失补办） opened online

Revision ID: a9e4c1d7b2f3
Revises: a7c3e9d1f2b4
Create Date: 2026-12-03 16:40:00.000000

The catalogue item 11100000000013338W1000117060003 is opened online
(``online_kind`` construction_enterprise_change) and asks, when the legal
representative changes, for the new representative's identity document: both
are data the shipped catalogue now has, written here for installations whose
catalogue was seeded before (staff edits of the item are kept otherwise).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a9e4c1d7b2f3'
down_revision = 'a7c3e9d1f2b4'
branch_labels = None
depends_on = None

ITEM_CODE = "11100000000013338W1000117060003"
ONLINE_KIND = "construction_enterprise_change"
REP_MATERIAL = "法定代表人身份证明"
REP_DESCRIPTION = "法定代表人变更时提供新任法定代表人居民身份证正反面扫描件"
# The guides promise only what the portal does (the shipped catalogue's texts; a staff edit is left alone).
OLD_APPLY = "企业通过法人账号登录住房和城乡建设部政务服务门户，在线填写资质申请表并上传申请材料后提交。"
OLD_DELIVER = "结果通过门户站内消息通知企业，电子资质证书可在门户下载；需要纸质证书的，按通知领取。"
ONLINE_APPLY = (
    "企业通过法人账号登录住房和城乡建设部政务服务门户，法定代表人通过人脸识别后，在线填写申请表"
    "（企业信息由资质库预填）、上传申请材料，作出承诺并以短信验证码确认提交。"
)
ONLINE_DELIVER = (
    "结果通过门户【用户中心】的站内消息和短信通知企业，电子资质证书可在【我的证照】中加注后下载"
    "（PDF、OFD）。"
)
OFFLINE_APPLY = "本事项暂未开通网上办理：企业向住房和城乡建设部政务服务大厅窗口提交申请表及申请材料。"
OFFLINE_DELIVER = "结果书面通知企业，资质证书按通知领取。"
ENTERPRISE_GROUPS = ("construction_enterprise", "real_estate")


def _rewrite_guides(bind, *, online_apply, online_deliver, offline_apply, offline_deliver, old_apply, old_deliver):
    for code_test, apply_text, deliver_text in (
        ("code = :code", online_apply, online_deliver),
        ("code <> :code", offline_apply, offline_deliver),
    ):
        bind.execute(
            sa.text(
                "UPDATE service_item SET process = REPLACE(REPLACE(process, :old_apply, :apply), :old_deliver, :deliver) "
                f'WHERE "group" IN (:group_a, :group_b) AND {code_test}'
            ),
            {
                "old_apply": old_apply[code_test],
                "apply": apply_text,
                "old_deliver": old_deliver[code_test],
                "deliver": deliver_text,
                "group_a": ENTERPRISE_GROUPS[0],
                "group_b": ENTERPRISE_GROUPS[1],
                "code": ITEM_CODE,
            },
        )


def upgrade():
    with op.batch_alter_table('enterprise_qualification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('registered_capital', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('legal_rep_name', sa.String(length=100), server_default='', nullable=False))
    with op.batch_alter_table('electronic_certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enterprise_qualification_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('copy_number', sa.Integer(), server_default='1', nullable=False))
        batch_op.alter_column('registration_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(
            batch_op.f('ix_electronic_certificate_enterprise_qualification_id'),
            ['enterprise_qualification_id'],
            unique=False,
        )
        batch_op.create_foreign_key(
            'fk_electronic_certificate_enterprise_qualification',
            'enterprise_qualification',
            ['enterprise_qualification_id'],
            ['id'],
        )
    bind = op.get_bind()
    _rewrite_guides(
        bind,
        online_apply=ONLINE_APPLY,
        online_deliver=ONLINE_DELIVER,
        offline_apply=OFFLINE_APPLY,
        offline_deliver=OFFLINE_DELIVER,
        old_apply={"code = :code": OLD_APPLY, "code <> :code": OLD_APPLY},
        old_deliver={"code = :code": OLD_DELIVER, "code <> :code": OLD_DELIVER},
    )
    item_id = bind.execute(
        sa.text("SELECT id FROM service_item WHERE code = :code"), {"code": ITEM_CODE}
    ).scalar()
    if item_id is None:
        return
    taken = bind.execute(
        sa.text("SELECT id FROM service_item WHERE online_kind = :kind"), {"kind": ONLINE_KIND}
    ).scalar()
    if taken is None:
        bind.execute(
            sa.text("UPDATE service_item SET online_kind = :kind WHERE id = :id"), {"kind": ONLINE_KIND, "id": item_id}
        )
    present = bind.execute(
        sa.text("SELECT id FROM service_material WHERE item_id = :id AND name = :name"),
        {"id": item_id, "name": REP_MATERIAL},
    ).scalar()
    if present is None:
        position = bind.execute(
            sa.text("SELECT COALESCE(MAX(position), 0) + 1 FROM service_material WHERE item_id = :id"), {"id": item_id}
        ).scalar()
        bind.execute(
            sa.text(
                "INSERT INTO service_material (item_id, position, name, required, formats, max_size_mb, description) "
                "VALUES (:id, :position, :name, :required, 'jpg,png,pdf', 5, :description)"
            ),
            {"id": item_id, "position": position, "name": REP_MATERIAL, "required": False,
             "description": REP_DESCRIPTION},
        )


def downgrade():
    bind = op.get_bind()
    _rewrite_guides(
        bind,
        online_apply=OLD_APPLY,
        online_deliver=OLD_DELIVER,
        offline_apply=OLD_APPLY,
        offline_deliver=OLD_DELIVER,
        old_apply={"code = :code": ONLINE_APPLY, "code <> :code": OFFLINE_APPLY},
        old_deliver={"code = :code": ONLINE_DELIVER, "code <> :code": OFFLINE_DELIVER},
    )
    bind.execute(
        sa.text("UPDATE service_item SET online_kind = NULL WHERE online_kind = :kind"), {"kind": ONLINE_KIND}
    )
    with op.batch_alter_table('electronic_certificate', schema=None) as batch_op:
        batch_op.drop_constraint('fk_electronic_certificate_enterprise_qualification', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_electronic_certificate_enterprise_qualification_id'))
        batch_op.alter_column('registration_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('copy_number')
        batch_op.drop_column('enterprise_qualification_id')
    with op.batch_alter_table('enterprise_qualification', schema=None) as batch_op:
        batch_op.drop_column('legal_rep_name')
        batch_op.drop_column('registered_capital')
        batch_op.drop_column('address')
