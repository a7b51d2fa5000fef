"""Back-office roles, defined in code and synced by ``flask portal sync-roles``.

Each role maps to (view-name regex, permission regex) pairs that FAB evaluates
at request time (``FAB_ROLES``), so a deployment never edits them by hand.
"""

ADMIN = "Admin"
PUBLIC = "Public"
CONTENT_EDITOR = "ContentEditor"  # 信息发布员

ROLE_PERMISSIONS = {
    CONTENT_EDITOR: [
        ["FaqEntryAdminView", "can_(list|show|add|edit|delete)"],
        ["SiteSettingAdminView", "can_(list|show|edit)"],
        ["Portal content", "menu_access"],
        ["FAQ", "menu_access"],
        ["Site settings", "menu_access"],
        ["AdminIndexView", "can_index"],
    ],
}
