"""热门服务: the three public queries of the portal (manual 五.2–五.4).

* 申请事项办理进度查询（受理发证信息查询）: ``progress_lookup`` by 申报编号 plus the
  applicant's real name (or, once issued, the registration number);
* 企业资质查询: ``search_enterprises`` / ``enterprise_detail``;
* 人员资格查询: ``search_people`` / ``person_detail``.

No request objects here. Results are small frozen dataclasses carrying public
fields only (identity numbers masked, names masked where the brief says so): the
templates never see an ORM object. Lists never count the table: a page fetches
``per_page + 1`` rows to know whether a next one exists, ``per_page`` is capped
at :data:`MAX_PER_PAGE` and the page number at :data:`MAX_PAGE`; ordering is
always total (name, then a unique key).

Names are matched by prefix (``张建`` finds 张建国) on indexed columns, so a
search stays an index range scan at the size of the national registers; see
app/models/registry.py for the indexes. The ``clean_*`` functions turn raw
query-string values into filters or per-field messages.

The queries live in modules along their seams (vocabularies, query_input,
query_helpers, progress, enterprises, people); this module gathers what the
views, templates (``rq``) and the benchmark use, so that they import one name.
"""

from app.services.paging import Page
from app.services.registers.enterprises import (
    EmployeeLine,
    EnterpriseDetail,
    EnterpriseHit,
    QualificationLine,
    enterprise_detail,
    enterprise_filters,
    enterprise_search_statement,
    search_enterprises,
)
from app.services.registers.people import (
    HistoryEntry,
    PersonDetail,
    PersonHit,
    SpecialtyLine,
    person_detail,
    person_filters,
    person_search_statement,
    search_people,
)
from app.services.registers.progress import ProgressResult, ProgressStep, progress_lookup
from app.services.registers.query_helpers import (
    DEFAULT_PER_PAGE,
    MAX_PAGE,
    MAX_PER_PAGE,
    mask_document_number,
)
from app.services.registers.query_input import (
    ENTERPRISE_NAME_MAX_LENGTH,
    KEY_FILTER_MESSAGE,
    NAME_MAX_LENGTH,
    PEOPLE_KEY_FILTERS,
    QueryInputError,
    clean_certificate_number,
    clean_choice,
    clean_document_number,
    clean_enterprise_query,
    clean_page,
    clean_people_query,
    clean_progress_query,
    clean_registration_number,
    clean_text,
    clean_uscc,
)
from app.services.registers.vocabularies import (
    ENTERPRISE_KINDS,
    GRADE_LABELS,
    GRADES_BY_KIND,
    PROVINCE_LABELS,
    PROVINCES,
    QUALIFICATION_LABELS,
    QUALIFICATIONS_BY_KIND,
    REGISTRATION_STATUS_LABELS,
    SPECIALTIES,
    SPECIALTIES_BY_QUALIFICATION,
    SPECIALTY_LABELS,
    label,
)

__all__ = [
    "DEFAULT_PER_PAGE",
    "ENTERPRISE_KINDS",
    "ENTERPRISE_NAME_MAX_LENGTH",
    "EmployeeLine",
    "EnterpriseDetail",
    "EnterpriseHit",
    "GRADES_BY_KIND",
    "GRADE_LABELS",
    "HistoryEntry",
    "KEY_FILTER_MESSAGE",
    "MAX_PAGE",
    "MAX_PER_PAGE",
    "NAME_MAX_LENGTH",
    "PEOPLE_KEY_FILTERS",
    "PROVINCES",
    "PROVINCE_LABELS",
    "Page",
    "PersonDetail",
    "PersonHit",
    "ProgressResult",
    "ProgressStep",
    "QUALIFICATIONS_BY_KIND",
    "QUALIFICATION_LABELS",
    "QualificationLine",
    "QueryInputError",
    "REGISTRATION_STATUS_LABELS",
    "SPECIALTIES",
    "SPECIALTIES_BY_QUALIFICATION",
    "SPECIALTY_LABELS",
    "SpecialtyLine",
    "clean_certificate_number",
    "clean_choice",
    "clean_document_number",
    "clean_enterprise_query",
    "clean_page",
    "clean_people_query",
    "clean_progress_query",
    "clean_registration_number",
    "clean_text",
    "clean_uscc",
    "enterprise_detail",
    "enterprise_filters",
    "enterprise_search_statement",
    "label",
    "mask_document_number",
    "person_detail",
    "person_filters",
    "person_search_statement",
    "progress_lookup",
    "search_enterprises",
    "search_people",
]
