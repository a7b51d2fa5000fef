"""Marshmallow schemas of /api/v1: they validate the input and describe the output in the OpenAPI document.

Descriptions are in Chinese and English (中文 / English)."""

from marshmallow import Schema, fields, validate

from app.services.api.reads import MAX_LIMIT


def _d(zh: str, en: str) -> dict:
    return {"description": f"{zh} / {en}"}


class ProblemSchema(Schema):
    """RFC 9457 problem details / 问题详情"""

    type = fields.String(required=True, metadata=_d("问题类型", "Problem type (a URI reference)"))
    title = fields.String(required=True, metadata=_d("标题（按 Accept-Language，默认中文）", "Title"))
    status = fields.Integer(required=True, metadata=_d("HTTP 状态码", "HTTP status"))
    detail = fields.String(required=True, metadata=_d("说明", "Explanation"))
    instance = fields.String(required=True, metadata=_d("请求路径", "Request path"))
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata=_d("各参数的错误", "Errors by parameter"),
    )


class PageArgs(Schema):
    cursor = fields.String(
        load_default=None, validate=validate.Length(max=400), metadata=_d("上一页返回的游标", "Cursor of the last page")
    )
    limit = fields.Integer(
        load_default=20,
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata=_d("每页条数", "Items per page"),
    )


class PersonQueryArgs(PageArgs):
    registration_number = fields.String(
        load_default=None, validate=validate.Length(max=40), metadata=_d("注册编号", "Registration number")
    )
    name = fields.String(
        load_default=None, validate=validate.Length(max=50), metadata=_d("姓名（前缀）", "Name (prefix)")
    )
    province = fields.String(
        load_default=None, validate=validate.Length(max=20), metadata=_d("注册省份，如 北京市", "Province, e.g. 北京市")
    )


class EnterpriseQueryArgs(PageArgs):
    uscc = fields.String(
        load_default=None,
        validate=validate.Length(max=18),
        metadata=_d("统一社会信用代码", "Unified social credit code"),
    )
    name = fields.String(
        load_default=None,
        validate=validate.Length(max=100),
        metadata=_d("企业名称（前缀）", "Enterprise name (prefix)"),
    )


class ProgressArgs(Schema):
    number = fields.String(
        required=True, validate=validate.Length(min=1, max=32), metadata=_d("申报编号", "Case number")
    )
    applicant = fields.String(
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata=_d("申请人姓名（或企业名称）", "Applicant's name (or the enterprise's)"),
    )


class CaseQueryArgs(PageArgs):
    item = fields.String(load_default=None, validate=validate.Length(max=40), metadata=_d("事项编码", "Item code"))
    status = fields.String(load_default=None, validate=validate.Length(max=24), metadata=_d("办件状态", "Case status"))


class CaseMessageArgs(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata=_d("标题", "Title"))
    body = fields.String(required=True, validate=validate.Length(min=1, max=2000), metadata=_d("正文", "Text"))


class SpecialtySchema(Schema):
    specialty = fields.String(required=True)
    valid_to = fields.String(required=True, metadata=_d("有效期至", "Valid until (date)"))


class PersonSchema(Schema):
    registration_number = fields.String(required=True, metadata=_d("注册编号", "Registration number"))
    name = fields.String(required=True, metadata=_d("姓名", "Name"))
    document = fields.String(required=True, metadata=_d("证件号码（脱敏）", "Document number (masked)"))
    qualification = fields.String(required=True, metadata=_d("注册类别", "Qualification"))
    qualification_label = fields.String(required=True)
    employer_name = fields.String(required=True, metadata=_d("聘用企业", "Employer"))
    employer_uscc = fields.String(required=True)
    province = fields.String(required=True, metadata=_d("注册省份", "Province"))
    specialties = fields.List(fields.Nested(SpecialtySchema), required=True, metadata=_d("注册专业", "Specialties"))
    valid_from = fields.String(required=True)
    valid_to = fields.String(required=True, metadata=_d("有效期至", "Valid until"))
    status = fields.String(required=True, metadata=_d("状态：valid/expired/cancelled", "valid, expired or cancelled"))
    status_label = fields.String(required=True)


class PersonPageSchema(Schema):
    items = fields.List(fields.Nested(PersonSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True, metadata=_d("下一页游标；无则为 null", "Next cursor"))


class HistorySchema(Schema):
    event = fields.String(required=True)
    detail = fields.String(required=True)
    at = fields.String(required=True, allow_none=True)
    on = fields.String(required=True, allow_none=True)


class PersonRecordSchema(Schema):
    name = fields.String(required=True)
    document = fields.String(required=True, metadata=_d("证件号码（脱敏）", "Document number (masked)"))
    registrations = fields.List(fields.Nested(PersonSchema), required=True)
    history = fields.List(fields.Nested(HistorySchema), required=True, metadata=_d("注册记录", "Register history"))


class QualificationSchema(Schema):
    kind = fields.String(required=True, metadata=_d("资质类别", "Kind"))
    qualification = fields.String(required=True, metadata=_d("资质名称", "Qualification"))
    grade = fields.String(required=True, metadata=_d("等级", "Grade"))
    certificate_number = fields.String(required=True, metadata=_d("证书编号", "Certificate number"))
    valid_from = fields.String(required=True)
    valid_to = fields.String(required=True)
    is_valid = fields.Boolean(required=True)


class EnterpriseSchema(Schema):
    name = fields.String(required=True, metadata=_d("企业名称", "Name"))
    uscc = fields.String(required=True, metadata=_d("统一社会信用代码", "Unified social credit code"))
    province = fields.String(required=True)
    qualifications = fields.List(fields.Nested(QualificationSchema), required=True)


class EnterprisePageSchema(Schema):
    items = fields.List(fields.Nested(EnterpriseSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class EmployeeSchema(Schema):
    name = fields.String(required=True, metadata=_d("姓名（脱敏）", "Name (masked)"))
    qualification_label = fields.String(required=True)
    registration_number = fields.String(required=True)
    valid_to = fields.String(required=True)


class EnterpriseRecordSchema(EnterpriseSchema):
    registered_persons = fields.List(
        fields.Nested(EmployeeSchema), required=True, metadata=_d("注册人员（首页）", "Registered persons (first page)")
    )


class RetiredKeySchema(Schema):
    key_id = fields.String(required=True)
    public_key = fields.String(required=True, metadata=_d("公钥（04||x||y）", "Public key (04||x||y)"))
    retired_at = fields.String(required=True, metadata=_d("停用时间（北京时间）", "Retired at (Beijing time)"))


class SignatureSchema(Schema):
    algorithm = fields.String(required=True, metadata=_d("签名算法", "Algorithm"))
    value = fields.String(required=True, metadata=_d("SM2 签名（r||s，十六进制）", "SM2 signature (r||s, hex)"))
    key_id = fields.String(required=True)
    public_key = fields.String(
        required=True, metadata=_d("签名所用公钥（04||x||y）", "Public key that signed it (04||x||y)")
    )
    retired_keys = fields.List(
        fields.Nested(RetiredKeySchema),
        metadata=_d(
            "轮换后停用的公钥（核验此前签发的证照）", "Public keys retired by a rotation (for older certificates)"
        ),
    )


class VerifiedCertificateSchema(Schema):
    number = fields.String()
    kind = fields.String()
    holder_name = fields.String(metadata=_d("持证人（个人姓名脱敏）", "Holder (a person's name masked)"))
    registration_number = fields.String()
    employer = fields.String()
    uscc = fields.String()
    issued_on = fields.String()
    authority = fields.String()


class EndorsementSchema(Schema):
    valid_from = fields.String(allow_none=True)
    valid_to = fields.String(allow_none=True)
    purpose = fields.String(allow_none=True)


class VerificationSchema(Schema):
    code = fields.String(required=True, metadata=_d("核验码", "Verification code"))
    authentic = fields.Boolean(required=True, metadata=_d("签名是否有效", "Signature verified"))
    valid = fields.Boolean(required=True, metadata=_d("是否真实有效", "Authentic and valid"))
    verdict = fields.String(required=True)
    verdict_label = fields.String(required=True)
    certificate = fields.Nested(VerifiedCertificateSchema, required=True, allow_none=True)
    endorsement = fields.Nested(EndorsementSchema, required=True, allow_none=True)
    signature = fields.Nested(SignatureSchema, required=True)


class ProgressStepSchema(Schema):
    time = fields.String(required=True)
    step = fields.String(required=True)
    result = fields.String(required=True)
    office = fields.String(required=True)


class ProgressSchema(Schema):
    number = fields.String(required=True, metadata=_d("申报编号", "Case number"))
    item_name = fields.String(required=True)
    applicant = fields.String(required=True, metadata=_d("申请人（脱敏）", "Applicant (masked)"))
    status = fields.String(required=True)
    status_label = fields.String(required=True)
    submitted_at = fields.String(required=True, allow_none=True)
    accepted_at = fields.String(required=True, allow_none=True)
    decision = fields.String(required=True, allow_none=True)
    decided_at = fields.String(required=True, allow_none=True)
    certificate_number = fields.String(required=True, allow_none=True)
    steps = fields.List(fields.Nested(ProgressStepSchema), required=True)


class CaseEventSchema(Schema):
    action = fields.String(required=True)
    from_status = fields.String(required=True)
    to_status = fields.String(required=True)
    office = fields.String(required=True)
    at = fields.String(required=True)


class CaseSchema(Schema):
    number = fields.String(required=True, metadata=_d("申报编号", "Case number"))
    item_code = fields.String(required=True, metadata=_d("事项编码", "Item code"))
    item_name = fields.String(required=True)
    status = fields.String(required=True)
    status_label = fields.String(required=True)
    province = fields.String(required=True)
    applicant = fields.String(required=True, metadata=_d("申请人（脱敏）", "Applicant (masked)"))
    submitted_at = fields.String(required=True, allow_none=True)
    updated_at = fields.String(required=True, allow_none=True)
    due_on = fields.String(required=True, allow_none=True)


class CaseDetailSchema(CaseSchema):
    events = fields.List(fields.Nested(CaseEventSchema), required=True, metadata=_d("办理过程", "Timeline"))


class CasePageSchema(Schema):
    items = fields.List(fields.Nested(CaseSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class CaseMessageSchema(Schema):
    number = fields.String(required=True)
    title = fields.String(required=True)


class IssuedCertificateSchema(Schema):
    number = fields.String(required=True, metadata=_d("证照编号", "Certificate number"))
    copy_number = fields.Integer(required=True)
    issued_on = fields.String(required=True)
    status = fields.String(required=True)
    province = fields.String(required=True)
    data = fields.Dict(required=True, metadata=_d("证照数据（签名内容）", "Certificate data (what is signed)"))
