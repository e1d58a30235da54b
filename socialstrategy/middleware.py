import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class ChosenLanguageMiddleware:
    """
    Activate the language the user chose with the switcher, else bokmål.

    Django's LocaleMiddleware would follow the browser's Accept-Language, which
    turns the product English on most office machines. This is a Norwegian
    organisation's tool: bokmål is the default until someone picks English.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


LOGGED_IN_AT = "socialstrategy_logged_in_at"
LAST_SEEN = "socialstrategy_last_seen"
# A session's idle clock is moved on at most this often: one write per person every few
# minutes, not one per request (the idle limit is a working day; this is its rounding).
RENEW_EVERY_SECONDS = 300


def start_session_clock(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: the session's absolute lifetime starts at the login."""
    now = time.time()
    request.session[LOGGED_IN_AT] = now
    request.session[LAST_SEEN] = now


class SessionLifetimeMiddleware:
    """
    A session ends SESSION_COOKIE_AGE after its last use (a working day by default)
    and SESSION_ABSOLUTE_SECONDS after the login, however active it has been (an
    inbox open in a tab refreshes itself every minute). The next page asks for the
    login again, and says why.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            if now - session.get(LOGGED_IN_AT, now) > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, _("Your session has ended; please log in again."))
                return redirect_to_login(request.get_full_path())
            if LOGGED_IN_AT not in session:  # a session from before this rule: its clock starts now
                session[LOGGED_IN_AT] = now
            if now - session.get(LAST_SEEN, 0) > RENEW_EVERY_SECONDS:
                session[LAST_SEEN] = now  # saved with the response: the idle expiry moves on
        return self.get_response(request)


class PrivatePagesMiddleware:
    """
    Every answer says which browser features are off (Permissions-Policy), and every
    page behind the login says `Cache-Control: private, no-store`, so that no shared
    cache and no browser history keeps a post, a person or a decision.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(f"/{settings.STATIC_URL}"):
            response.headers["Cache-Control"] = "private, no-store"
        return response
