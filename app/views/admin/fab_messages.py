"""Flask-AppBuilder's own texts that its Chinese catalogue lacks.

FAB's templates and security views call gettext with these msgids; listing them here
puts them in our catalogue (``flask translate update`` extracts them), whose Chinese
overrides FAB's. tests/integration/test_back_office_chinese.py finds any that are missing.
"""

from flask_babel import lazy_gettext as _l

FAB_MESSAGES = (
    _l("Show"),
    _l("Add"),
    _l("Edit"),
    _l("OK"),
    _l("Groups"),
    _l("Role"),
    _l("List Groups"),
    _l("Show Group"),
    _l("Add Group"),
    _l("Edit Group"),
    _l("User confirmation needed"),
    _l("The user's password for authentication"),
    _l("Please rewrite the user's password to confirm"),
)
