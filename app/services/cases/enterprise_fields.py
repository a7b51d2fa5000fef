"""The fields of the enterprise items' forms (manual chapter 四), named for the applicant and the back office.

Kept apart from the rules (``enterprise_items``) so that the personal items' label table can
include them without importing the enterprise rules.
"""

from flask_babel import lazy_gettext as _l

# What changed (建筑业企业资质认定（变更-遗失补办）): the company ticks one or more.
NAME, ADDRESS, CAPITAL, LEGAL_REP, LOST = "name", "address", "capital", "legal_rep", "lost"
CHANGE_KINDS = (NAME, ADDRESS, CAPITAL, LEGAL_REP, LOST)
CHANGE_LABELS = {
    NAME: _l("Enterprise name"),
    ADDRESS: _l("Address"),
    CAPITAL: _l("Registered capital"),
    LEGAL_REP: _l("Legal representative"),
    LOST: _l("Lost certificate (replacement)"),
}
# The fields each change asks for.
CHANGE_FIELDS = {
    NAME: ("new_name", "licence_name"),
    ADDRESS: ("new_address",),
    CAPITAL: ("new_capital",),
    LEGAL_REP: ("new_legal_rep_name", "new_legal_rep_id"),
    LOST: ("lost_certificate_number", "loss_statement"),
}
ENTERPRISE_FIELD_LABELS = {
    "new_name": _l("New enterprise name"),
    "licence_name": _l("Enterprise name on the business licence"),
    "new_address": _l("New address"),
    "new_capital": _l("New registered capital (10,000 yuan)"),
    "new_legal_rep_name": _l("New legal representative"),
    "new_legal_rep_id": _l("New legal representative's identity card number"),
    "lost_certificate_number": _l("Number of the lost certificate"),
    "loss_statement": _l("Loss statement (where and when it was published)"),
}
