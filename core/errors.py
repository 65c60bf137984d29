"""What a service raises when its rules refuse a request: the message is for the user, in their
language, and the view shows it; nothing was changed."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy


class Refused(Exception):
    """A request a rule refuses. Each kind sets its default `message` (lazy, so that it is
    read in the language of the request that shows it); a raise may give a more precise one."""

    message: str | Promise = gettext_lazy("This cannot be done.")

    def __init__(self, message: str | Promise | None = None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))
