"""The REST API /api/v1, documented by an OpenAPI 3 document generated from this code.

Why flask-smorest (over Flask-AppBuilder's ``BaseApi``): the portal's security API of FAB is off on purpose
(no FAB JWT login, no cookie-authenticated ``/api/v1/security``), and FAB's ``BaseApi`` takes its OpenAPI
text from YAML in docstrings, checked by nothing. flask-smorest builds the document from the marshmallow
schemas that also parse the input (``@arguments``) and serialise the output (``@response``), so the
specification cannot drift from what the endpoints do; it leaves authentication and errors to us. The
document is served at ``/api/v1/openapi.json`` and shown at ``/api/v1/docs`` with the Swagger UI that FAB
ships (``/static/appbuilder``): nothing is loaded from another host.

Authentication is a bearer token only (``Authorization: Bearer <client id>.<secret>``), never a browser's
cookie, which is why the agencies' blueprint alone is exempt from CSRF. Every error is RFC 9457 problem
details (app/views/api/problems.py).
"""

import http

from flask import Flask, render_template
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from app.views.api.problems import PROBLEM_MEDIA_TYPE
from app.views.api.schemas import ProblemSchema

API_DESCRIPTION = """住房和城乡建设部政务服务门户开放接口 / The MOHURD government-services portal's API.

* 公开查询（无需登录，按来源地址限流）：注册人员、企业资质、证照核验、受理发证信息查询。
  Public queries (no sign-in, rate-limited per address): registered persons, enterprise qualifications,
  certificate verification, case progress.
* 接入单位（管理员在后台创建客户端）：`Authorization: Bearer <client id>.<secret>`；权限范围
  `registers:read`、`cases:read`、`cases:write`、`certificates:read`，数据范围按省份和事项分组。
  Integrating agencies (clients created by an administrator): bearer token, scopes, data scope by
  province and item group, per-client rate limits; every call is audited.
* 错误均为 RFC 9457 problem details（`application/problem+json`，中文，`Accept-Language: en` 为英文）；
  列表按游标分页（`next_cursor`）；登记记录带 ETag（`If-None-Match` → 304）。
  Errors are RFC 9457 problem details; lists page by cursor; register records carry ETags.
"""


class PortalApi(Api):
    """flask-smorest's Api with problem+json errors: documented as such, answered by the portal's handlers."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        """The portal's error handlers answer (app/views/errors.py): problem details under /api/v1."""

    def _register_responses(self):
        for status in http.HTTPStatus:
            response: dict = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MEDIA_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "错误（问题详情）/ Error (problem details)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_MEDIA_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def register_api(app: Flask) -> Api:
    from app.extensions import csrf
    from app.views.api import access, agency, public

    app.config.setdefault("API_TITLE", "住建政务服务门户 API / MOHURD portal API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {"info": {"description": API_DESCRIPTION}})
    api = PortalApi(app)
    api.spec.components.security_scheme(
        access.SECURITY_SCHEME,
        {
            "type": "http",
            "scheme": "bearer",
            "description": "接入单位客户端令牌 <client id>.<secret> / An agency client's token",
        },
    )
    for blueprint in (public.blp, agency.blp):
        api.register_blueprint(blueprint)
    csrf.exempt(agency.blp)  # bearer-token calls only (access.require): no browser cookie is ever honoured

    @app.route("/api/v1/docs")
    def api_docs():
        return render_template("api/docs.html")

    return api
