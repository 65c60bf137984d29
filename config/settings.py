"""Settings from the environment (twelve-factor). Every variable is listed in the README.

The defaults need no server: SQLite, a filesystem Celery broker and mail written as .eml files,
all under var/. Production sets DATABASE_URL, CELERY_BROKER_URL, EMAIL_URL, SECRET_KEY,
ALLOWED_HOSTS and HTTPS=true.

One module per concern in config/settings_parts/, read in this order (a later one may use an
earlier one's values): environment (.env and VAR_DIR), web (hosts, apps, middleware, templates,
languages, static files), database (and cache), accounts (signing in), files (storages and
upload limits), mail (the transport and the outbox), privacy (the notice and retention), tasks
(Celery and its beat), signing (frozen documents), security (HTTPS and CSP), logs.
"""

from config.settings_parts.accounts import *  # noqa: F403
from config.settings_parts.database import *  # noqa: F403
from config.settings_parts.environment import *  # noqa: F403
from config.settings_parts.files import *  # noqa: F403
from config.settings_parts.logs import *  # noqa: F403
from config.settings_parts.mail import *  # noqa: F403
from config.settings_parts.privacy import *  # noqa: F403
from config.settings_parts.security import *  # noqa: F403
from config.settings_parts.signing import *  # noqa: F403
from config.settings_parts.tasks import *  # noqa: F403
from config.settings_parts.web import *  # noqa: F403
