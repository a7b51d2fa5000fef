"""Extension objects shared by the whole application.

AppBuilder is deliberately *not* here: it is built inside ``create_app`` so
that every application (each test app included) gets its own instance.
"""

from flask_appbuilder.utils.legacy import get_sqla_class
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

db = get_sqla_class()()
migrate = Migrate()
csrf = CSRFProtect()
