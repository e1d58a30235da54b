"""Playwright (Python) driving Debian's chromium; no browser download."""

import os

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from tests.conftest import CHROMIUM

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the
# tests make beside it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    # An English-speaking browser: the product must still answer in bokmål.
    # bypass_csp: axe-core is injected as an inline script; tests/browser/test_csp.py checks the policy itself.
    context = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo(live_server):
    """The demo strategy and users, as `make demo` sets them up (the roles come with each migrate and flush)."""
    call_command("load_strategy", verbosity=0)
    call_command("create_demo_users", force=True, verbosity=0)


def log_in(page, live_server, username: str, password: str = "demo", *, through_form: bool = False) -> None:  # noqa: S107 - the demo password
    """
    Log in as the demo user and land on the start page. Through the login form when the
    form is what the test is about; otherwise the session is made on the server and
    handed to the browser, which is the same session in a fraction of the time.
    """
    if through_form:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Brukernavn").fill(username)
        page.get_by_label("Passord").fill(password)
        page.locator("main form").get_by_role("button", name="Logg inn").click()
        return
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.goto(f"{live_server.url}/")
