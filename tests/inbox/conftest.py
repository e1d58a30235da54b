import pytest

from strategy.models import Channel
from tests.factories import ChannelFactory

from . import payloads


@pytest.fixture(autouse=True)
def platform_secrets(settings):
    settings.FACEBOOK_APP_SECRET = payloads.FACEBOOK_SECRET
    settings.FACEBOOK_VERIFY_TOKEN = payloads.FACEBOOK_VERIFY_TOKEN
    settings.X_CONSUMER_SECRET = payloads.X_SECRET
    settings.X_OAUTH2_CLIENT_SECRET = payloads.X_OAUTH2_SECRET


@pytest.fixture
def facebook_page(db) -> Channel:
    return ChannelFactory(slug="facebook", platform="facebook", name="Facebook", external_id=payloads.PAGE_ID)


@pytest.fixture
def x_account(db) -> Channel:
    return ChannelFactory(slug="x", platform="x", name="X", handle="bedriften", external_id=payloads.X_ACCOUNT_ID)
