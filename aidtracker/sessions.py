"""Signed-in sessions end after an idle period (SESSION_COOKIE_AGE): each request moves the end
on, but a session is written at most once every SESSION_TOUCH_SECONDS, since writing it on every
request (SESSION_SAVE_EVERY_REQUEST) costs each page a database write and a new cookie."""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.middleware import SessionMiddleware
from django.dispatch import receiver

# When the session was last written, in seconds since the epoch.
TOUCHED = "_touched"


class IdleSessionMiddleware(SessionMiddleware):
    def process_response(self, request, response):
        session = request.session
        if session.accessed and not session.is_empty():
            now = int(time.time())
            if now - session.get(TOUCHED, 0) >= settings.SESSION_TOUCH_SECONDS:
                session[TOUCHED] = now
        return super().process_response(request, response)


@receiver(user_logged_in)
def touched_at_login(sender, request, user, **kwargs) -> None:
    """A login writes the session: its first request need not write it again."""
    request.session[TOUCHED] = int(time.time())
