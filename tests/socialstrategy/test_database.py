import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from tests.factories import ChannelFactory


@pytest.mark.postgres
@pytest.mark.django_db
def test_it_runs_on_postgresql_when_database_url_says_so():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        (version,) = cursor.fetchone()

    assert connection.vendor == "postgresql"
    assert int(version) >= 130000
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db
def test_a_platform_id_belongs_to_one_channel_but_blank_ids_may_repeat():
    ChannelFactory(platform="facebook", external_id="42")
    ChannelFactory(platform="x", external_id="42")
    ChannelFactory(platform="youtube", external_id="")
    ChannelFactory(platform="youtube", external_id="")

    with pytest.raises(IntegrityError), transaction.atomic():
        ChannelFactory(platform="facebook", external_id="42")
