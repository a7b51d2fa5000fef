"""Back-office roles, defined in code and synced by ``flask portal sync-roles``.

Each role maps to (view-name regex, permission regex) pairs that FAB evaluates
at request time (``FAB_ROLES``), so a deployment never edits them by hand.
"""

from flask_babel import lazy_gettext as _l

ADMIN = "Admin"
PUBLIC = "Public"
CONTENT_EDITOR = "ContentEditor"  # 信息发布员
ACCOUNT_OFFICER = "AccountOfficer"  # 账号管理员: accounts, unlocks, audit, SMS outbox
ACCEPTANCE_OFFICER = "AcceptanceOfficer"  # 受理员
REVIEW_OFFICER = "ReviewOfficer"  # 审查员
DECISION_OFFICER = "DecisionOfficer"  # 审批员
ISSUING_OFFICER = "IssuingOfficer"  # 制证员
STATISTICIAN = "Statistician"  # 统计员: reports, read-only
CATALOGUE_ADMIN = "CatalogueAdmin"  # 事项管理员: 事项, 办事指南, 申请材料
REGISTER_ADMIN = "RegisterAdmin"  # 登记管理员: search, read and correct the registers (with a reason)
SECTION_HEAD = "SectionHead"  # 科长: sees every open case of the scope, assigns (指派) and reassigns (改派) them
AUDITOR = "Auditor"  # 审计员: reads and exports the audit trail (append-only: nobody edits or deletes it)
# Portal users hold these roles; they grant nothing in the back office.
CITIZEN = "Citizen"
LEGAL_ENTITY = "LegalEntity"

# How a role is named to staff (the role's own name is a code).
ROLE_LABELS = {
    ADMIN: _l("System administrator"),
    PUBLIC: _l("Anonymous visitor"),
    CONTENT_EDITOR: _l("Content editor"),
    ACCOUNT_OFFICER: _l("Account officer"),
    ACCEPTANCE_OFFICER: _l("Acceptance officer"),
    REVIEW_OFFICER: _l("Review officer"),
    DECISION_OFFICER: _l("Decision officer"),
    ISSUING_OFFICER: _l("Certificate issuing officer"),
    STATISTICIAN: _l("Statistician"),
    CATALOGUE_ADMIN: _l("Service catalogue administrator"),
    REGISTER_ADMIN: _l("Register administrator"),
    SECTION_HEAD: _l("Section head"),
    AUDITOR: _l("Auditor"),
    CITIZEN: _l("Personal user"),
    LEGAL_ENTITY: _l("Legal-entity user"),
}

# What every case-handling role may read.
CASE_READER = [
    ["ApplicationAdminView", "can_(list|show)"],
    ["CaseWorkflowView", "can_(queue|case|attachment|notice)"],
    ["Cases", "menu_access"],
    ["My queue", "menu_access"],
    ["AdminIndexView", "can_index"],
]

# Every staff member may see their own profile and change their own password (the links of
# the user menu); FAB grants these to no role but Admin by itself.
STAFF_SELF_SERVICE = [
    ["StaffUserView", "^(can_userinfo|resetmypassword|userinfoedit)$"],
    ["ResetMyPasswordView", "^can_this_form_(get|post)$"],
    ["UserInfoEditView", "^can_this_form_(get|post)$"],
]

# 好差评: the ratings are read by the section heads and the statisticians; a section head (科长) of
# the handling unit answers the rectifications (差评整改) of his scope.
EVALUATION_READER = [["CaseEvaluationAdminView", "can_(list|show)$"], ["Service ratings", "menu_access"]]
EVALUATION_HANDLER = [
    *EVALUATION_READER,
    ["RectificationAdminView", "can_(list|show|reply)$"],
    ["Rectifications", "menu_access"],
]

# The steps of each case-handling role (the permission can_<step> of CaseWorkflowView).
ROLE_ACTIONS = {
    ACCEPTANCE_OFFICER: ("accept", "refuse", "request_correction"),
    REVIEW_OFFICER: ("start_review", "review_correction", "submit_opinion"),
    DECISION_OFFICER: ("approve", "reject"),
    ISSUING_OFFICER: ("issue",),
}


def _steps(role: str) -> list:
    return ["CaseWorkflowView", "can_({})$".format("|".join(ROLE_ACTIONS[role]))]


ROLE_PERMISSIONS = {
    CONTENT_EDITOR: [
        ["FaqEntryAdminView", "can_(list|show|add|edit|delete)"],
        ["SiteSettingAdminView", "can_(list|show|edit)"],
        ["Portal content", "menu_access"],
        ["FAQ", "menu_access"],
        ["Site settings", "menu_access"],
        ["ErrorReportAdminView", "can_(list|show|edit)$"],
        ["Error reports", "menu_access"],
        ["AdminIndexView", "can_index"],
        ["ArticleAdminView", "can_(list|show|add|edit|delete)$"],
        ["ArticleAdminView", "(publish|unpublish)$"],
        ["ArticleAttachmentView", "can_(attachments|delete_attachment|download_attachment)$"],
        ["Articles", "menu_access"],
    ],
    ACCOUNT_OFFICER: [
        ["PortalAccountAdminView", "can_(list|show)"],
        ["PortalAccountAdminView", "unlock"],
        ["EnterpriseAdminView", "can_(list|show)"],
        ["AuditRecordAdminView", "can_(list|show)"],
        ["SmsOutboxAdminView", "can_(list|show)"],
        ["SmsJobAdminView", "can_(list|show)"],
        ["ReminderDeliveryAdminView", "can_(list|show)"],
        ["Accounts", "menu_access"],
        ["Portal accounts", "menu_access"],
        ["Enterprises", "menu_access"],
        ["Audit trail", "menu_access"],
        ["SMS outbox", "menu_access"],
        ["SMS delivery", "menu_access"],
        ["Reminders sent", "menu_access"],
        ["AdminIndexView", "can_index"],
    ],
    ACCEPTANCE_OFFICER: [
        *CASE_READER,
        _steps(ACCEPTANCE_OFFICER),
        ["CaseWorkflowView", "can_claim$"],
        ["CaseCorrectionView", "can_correction"],
    ],
    REVIEW_OFFICER: [
        *CASE_READER,
        _steps(REVIEW_OFFICER),
        ["CaseWorkflowView", "can_claim$"],
        ["CaseCorrectionView", "can_correction"],
    ],
    DECISION_OFFICER: [*CASE_READER, _steps(DECISION_OFFICER), ["CaseWorkflowView", "can_claim$"]],
    ISSUING_OFFICER: [*CASE_READER, _steps(ISSUING_OFFICER), ["CaseWorkflowView", "can_claim$"]],
    SECTION_HEAD: [*CASE_READER, ["CaseWorkflowView", "can_assign$"], *EVALUATION_HANDLER],
    STATISTICIAN: [
        ["StatisticsView", "can_(index|export)"],
        *EVALUATION_READER,
        ["Cases", "menu_access"],
        ["Statistics", "menu_access"],
        ["AdminIndexView", "can_index"],
    ],
    CATALOGUE_ADMIN: [
        ["ServiceItemAdminView", "can_(list|show|add|edit)$"],
        ["ServiceMaterialAdminView", "can_(list|show|add|edit)$"],
        ["Service catalogue", "menu_access"],
        ["Service items", "menu_access"],
        ["Application materials", "menu_access"],
        ["AdminIndexView", "can_index"],
    ],
    REGISTER_ADMIN: [
        ["PersonRegistrationAdminView", "can_(list|show|edit)$"],
        ["EnterpriseQualificationAdminView", "can_(list|show|edit)$"],
        ["Registers", "menu_access"],
        ["Registered persons", "menu_access"],
        ["Enterprise qualifications", "menu_access"],
        ["AdminIndexView", "can_index"],
    ],
    AUDITOR: [
        ["AuditRecordAdminView", "^can_(list|show|export)$"],
        ["Accounts", "menu_access"],
        ["Audit trail", "menu_access"],
        ["Export audit trail", "menu_access"],
        ["AdminIndexView", "can_index"],
    ],
    CITIZEN: [],
    LEGAL_ENTITY: [],
}
for _role in (
    CONTENT_EDITOR,
    ACCOUNT_OFFICER,
    ACCEPTANCE_OFFICER,
    REVIEW_OFFICER,
    DECISION_OFFICER,
    ISSUING_OFFICER,
    STATISTICIAN,
    CATALOGUE_ADMIN,
    REGISTER_ADMIN,
    SECTION_HEAD,
    AUDITOR,
):
    ROLE_PERMISSIONS[_role] = [*ROLE_PERMISSIONS[_role], *STAFF_SELF_SERVICE]
