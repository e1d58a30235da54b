"""Nothing lost when the broker is down: deliveries stay pending and the sweep sends them again."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from inbox.ingest import deliveries
from inbox.models import Post, WebhookDelivery

from .payloads import facebook_body, facebook_signature, fb_comment

URL = reverse("webhooks:facebook")


def post_while_the_broker_is_down(client, django_capture_on_commit_callbacks, body: bytes):
    with (
        mock.patch("inbox.ingest.tasks.process_delivery_task.apply_async", side_effect=ConnectionError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        return client.post(
            URL, body, content_type="application/json", headers={"x-hub-signature-256": facebook_signature(body)}
        )


def test_a_delivery_is_kept_pending_when_the_broker_is_down(client, facebook_page, django_capture_on_commit_callbacks):
    response = post_while_the_broker_is_down(client, django_capture_on_commit_callbacks, facebook_body(fb_comment("1")))

    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert Post.objects.count() == 0


def test_the_sweep_processes_what_was_left_pending(
    client, facebook_page, django_capture_on_commit_callbacks, eager_tasks
):
    post_while_the_broker_is_down(client, django_capture_on_commit_callbacks, facebook_body(fb_comment("1")))

    assert deliveries.sweep_deliveries() == {"requeued": 0, "failed": 0}  # too young to be stale
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        assert deliveries.sweep_deliveries() == {"requeued": 1, "failed": 0}

    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.PROCESSED
    assert Post.objects.count() == 1


def test_a_delivery_that_keeps_failing_ends_failed_with_its_error(facebook_page, settings, eager_tasks):
    settings.INBOX_DELIVERY_MAX_ATTEMPTS = 2
    delivery = WebhookDelivery.objects.create(source="facebook", body=facebook_body(fb_comment("1")))

    with mock.patch("inbox.ingest.events.ingest_event", side_effect=RuntimeError("disk full")):
        with pytest.raises(RuntimeError):
            deliveries.process_delivery(delivery_id=delivery.pk)
        deliveries.process_delivery(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 2
    assert delivery.error == "RuntimeError: disk full"


def test_the_sweep_gives_up_on_a_delivery_out_of_attempts(facebook_page, settings):
    settings.INBOX_DELIVERY_MAX_ATTEMPTS = 3
    old = timezone.now() - timedelta(minutes=10)
    WebhookDelivery.objects.create(source="facebook", body=b"{}", attempts=3, received_at=old)

    assert deliveries.sweep_deliveries() == {"requeued": 0, "failed": 1}
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.FAILED


def test_a_processed_delivery_is_not_processed_twice(facebook_page, eager_tasks):
    delivery = WebhookDelivery.objects.create(source="facebook", body=facebook_body(fb_comment("1")))
    deliveries.process_delivery(delivery_id=delivery.pk)

    assert deliveries.process_delivery(delivery_id=delivery.pk) is None
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_an_admin_can_retry_failed_deliveries(
    facebook_page, django_capture_on_commit_callbacks, eager_tasks, admin_user
):
    delivery = WebhookDelivery.objects.create(
        source="facebook", body=facebook_body(fb_comment("1")), status="failed", attempts=5, error="old"
    )
    request = RequestFactory().post("/admin/")
    request.user = admin_user
    request._messages = mock.MagicMock()
    model_admin = site._registry[WebhookDelivery]

    with django_capture_on_commit_callbacks(execute=True):
        model_admin.retry(request, WebhookDelivery.objects.filter(pk=delivery.pk))

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PROCESSED
    assert delivery.attempts == 1
    assert Post.objects.count() == 1


def test_the_admin_shows_a_failed_delivery(admin_client, db):
    delivery = WebhookDelivery.objects.create(source="x", body=b"{oops", status="failed", error="Not JSON: ...")

    response = admin_client.get(reverse("admin:inbox_webhookdelivery_change", args=[delivery.pk]))

    assert response.status_code == 200
    assert "{oops" in response.content.decode()
