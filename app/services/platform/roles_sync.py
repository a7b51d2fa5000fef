"""Roles and permissions from code into the database, idempotently."""

from app.roles import ADMIN, PUBLIC, ROLE_PERMISSIONS


def sync_roles(appbuilder) -> list[str]:
    """Create every role and every view permission; grant them all to Admin.

    Role permissions other than Admin's are regex rules evaluated by FAB at
    request time (``FAB_ROLES``), so running this twice changes nothing.
    """
    sm = appbuilder.sm
    names = [ADMIN, PUBLIC, *ROLE_PERMISSIONS]
    for name in names:
        sm.add_role(name)
    appbuilder.add_permissions(update_perms=True)
    sm.security_cleanup(appbuilder.baseviews, appbuilder.menu)
    return names
