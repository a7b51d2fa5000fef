"""Public queries of /api/v1: no sign-in, rate-limited per address (a client's token, if sent, counts instead)."""

import hashlib
import json

from flask import abort, request
from flask_smorest import Blueprint

from app.services.api import reads
from app.services.errors import ServiceError
from app.views.api import access
from app.views.api.schemas import (
    EnterprisePageSchema,
    EnterpriseQueryArgs,
    EnterpriseRecordSchema,
    PersonPageSchema,
    PersonQueryArgs,
    PersonRecordSchema,
    ProgressArgs,
    ProgressSchema,
    VerificationSchema,
)

blp = Blueprint(
    "api_public",
    __name__,
    url_prefix="/api/v1",
    description="公开查询：注册人员、企业资质、证照核验、办理进度（无需登录，限流）/ "
    "Public queries: registers, certificate verification, case progress (no sign-in, rate-limited)",
)

ETAG_HEADERS = {"ETag": {"description": "记录的实体标签 / The record's entity tag", "schema": {"type": "string"}}}
IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "上次得到的 ETag；未变化时返回 304 / The ETag you hold: 304 when unchanged",
}


class InvalidInput(Exception):
    pass


def refused(error: ServiceError):
    """A ServiceError as 422 problem details naming the parameters."""
    from werkzeug.exceptions import UnprocessableEntity

    exception = UnprocessableEntity()
    exception.data = {"messages": {"query": {field: [str(message)] for field, message in error.errors.items()}}}
    return exception


def page(call):
    try:
        items, next_cursor = call()
    except ServiceError as error:
        raise refused(error) from None
    return {"items": items, "next_cursor": next_cursor}


def with_etag(record):
    """The record with its ETag, or 304 when the caller holds that ETag already."""
    if record is None:
        abort(404)
    tag = hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:40]
    if request.if_none_match.contains(tag):
        return "", 304, {"ETag": f'"{tag}"'}
    return record, 200, {"ETag": f'"{tag}"'}


access.install(blp)  # the caller (a token's client, or nobody), its rate and the audit of its calls


@blp.route("/registers/persons")
@blp.arguments(PersonQueryArgs, location="query")
@blp.response(200, PersonPageSchema)
def persons(args):
    """注册人员查询 / Registered persons

    按注册编号，或按姓名（前缀，可加注册省份）查询，与门户【人员资格查询】同一结果。
    By registration number, or by name (a prefix) optionally within a province: the portal's own answer.
    """
    return page(
        lambda: reads.persons(
            registration_number=args["registration_number"],
            name=args["name"],
            province=args["province"],
            cursor=args["cursor"],
            limit=args["limit"],
        )
    )


@blp.route("/registers/persons/<string:registration_number>")
@blp.doc(parameters=[IF_NONE_MATCH])
@blp.response(200, PersonRecordSchema, headers=ETAG_HEADERS)
@blp.alt_response(304, description="未变化 / Not modified")
def person(registration_number):
    """注册人员记录 / A registered person's record

    注册编号所属人员的全部注册及注册记录；带 ETag。
    Every registration of the holder of this number and the register's history; with an ETag.
    """
    return with_etag(reads.person_record(registration_number))


@blp.route("/registers/enterprises")
@blp.arguments(EnterpriseQueryArgs, location="query")
@blp.response(200, EnterprisePageSchema)
def enterprises(args):
    """企业资质查询 / Enterprises and their qualifications

    按统一社会信用代码或企业名称（前缀）查询。By unified social credit code or name (a prefix).
    """
    return page(
        lambda: reads.enterprises(uscc=args["uscc"], name=args["name"], cursor=args["cursor"], limit=args["limit"])
    )


@blp.route("/registers/enterprises/<string:uscc>")
@blp.doc(parameters=[IF_NONE_MATCH])
@blp.response(200, EnterpriseRecordSchema, headers=ETAG_HEADERS)
@blp.alt_response(304, description="未变化 / Not modified")
def enterprise(uscc):
    """企业资质记录 / An enterprise's record

    企业的全部资质及其注册人员（首页）；带 ETag。Every qualification and the registered persons; with an ETag.
    """
    return with_etag(reads.enterprise_record(uscc))


@blp.route("/certificates/verify/<string:code>")
@blp.response(200, VerificationSchema)
def verify_certificate(code):
    """证照核验 / Certificate verification

    与【证照核验】页面相同的结论，并附 SM2 签名及公钥。The 证照核验 page's verdict, with the SM2 signature and key.
    """
    result = reads.certificate_verification(code)
    if result is None:
        abort(404)
    return result


@blp.route("/cases/progress")
@blp.arguments(ProgressArgs, location="query")
@blp.response(200, ProgressSchema)
def case_progress(args):
    """受理发证信息查询 / Case progress

    凭申报编号和申请人姓名查询办理进度；二者不符与编号不存在同为 404。
    By case number and applicant's name; a wrong name answers 404 as an unknown number does.
    """
    result = reads.case_progress(args["number"], args["applicant"])
    if result is None:
        abort(404)
    return result
