"""/api/v1 for integrating agencies: a client's bearer token, its scopes and data scope; audited."""

from flask import abort, request
from flask_smorest import Blueprint

from app.services.api import clients, reads
from app.services.errors import ServiceError
from app.services.unit_of_work import unit_of_work
from app.views.api import access
from app.views.api.public import page, refused
from app.views.api.schemas import (
    CaseDetailSchema,
    CaseMessageArgs,
    CaseMessageSchema,
    CasePageSchema,
    CaseQueryArgs,
    IssuedCertificateSchema,
)

blp = Blueprint(
    "api_agency",
    __name__,
    url_prefix="/api/v1",
    description="接入单位：办件、证照（客户端令牌，权限范围与数据范围）/ "
    "Agencies: cases and certificates (client token, scopes and data scope)",
)
access.install(blp)  # the caller (a token's client, or nobody), its rate and the audit of its calls


@blp.route("/cases")
@access.require(clients.CASES_READ)
@blp.doc(security=access.SECURED)
@blp.arguments(CaseQueryArgs, location="query")
@blp.response(200, CasePageSchema)
def cases(args):
    """办件列表 / Cases

    数据范围内的办件（不含草稿），可按事项编码和状态筛选，按游标分页。需要 `cases:read`。
    The cases in the client's data scope (never drafts), by item code and status. Needs `cases:read`.
    """
    return page(
        lambda: reads.cases(
            access.client(), item=args["item"], status=args["status"], cursor=args["cursor"], limit=args["limit"]
        )
    )


@blp.route("/cases/<string:number>")
@access.require(clients.CASES_READ)
@blp.doc(security=access.SECURED)
@blp.response(200, CaseDetailSchema)
def case(number):
    """办件详情 / A case

    数据范围外的办件与不存在同为 404。A case outside the data scope answers 404. Needs `cases:read`.
    """
    result = reads.case_detail(access.client(), number)
    if result is None:
        abort(404)
    return result


@blp.route("/cases/<string:number>/messages", methods=["POST"])
@access.require(clients.CASES_WRITE)
@blp.doc(security=access.SECURED)
@blp.arguments(CaseMessageArgs)
@blp.response(201, CaseMessageSchema)
def case_message(args, number):
    """向申请人发送消息 / Send the applicant a message

    消息进入申请人【我的消息】，标题前注明接入单位名称。需要 `cases:write`。
    The message appears in the applicant's 我的消息 under the agency's name. Needs `cases:write`.
    """
    try:
        with unit_of_work():
            result = reads.post_case_message(
                access.client(), number, args["title"], args["body"], ip=request.remote_addr or ""
            )
    except ServiceError as error:
        raise refused(error) from None
    if result is None:
        abort(404)
    return result


@blp.route("/certificates/<string:number>")
@access.require(clients.CERTIFICATES_READ)
@blp.doc(security=access.SECURED)
@blp.response(200, IssuedCertificateSchema)
def certificate(number):
    """已签发证照数据 / An issued certificate's data

    数据范围（省份）内的电子证照数据。An electronic certificate in the client's province. Needs `certificates:read`.
    """
    result = reads.certificate(access.client(), number)
    if result is None:
        abort(404)
    return result
