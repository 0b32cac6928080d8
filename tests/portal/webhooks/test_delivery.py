"""Delivering events to a real local receiver: signatures a Standard Webhooks library
accepts, retries with backoff, the timeout, refused addresses, and nothing lost."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError
from werkzeug import Response

from companies import services as company_services
from portal.webhooks import services, transport
from portal.webhooks.models import Delivery, Endpoint, Event
from tests.support import run_worker


def _received(httpserver) -> list:
    return [request for request, _ in httpserver.log]


class TestSignature:
    def test_the_receiver_verifies_it_with_a_standard_webhooks_library(
        self, receiver, secret, company
    ):
        run_worker()
        (request,) = _received(receiver)
        body = Webhook(secret).verify(request.get_data(), dict(request.headers))
        assert body["type"] == "company.created"
        assert body["data"]["id"] == str(company.id)
        assert request.headers["webhook-id"] == body["id"]
        assert Delivery.objects.get().status == Delivery.Status.SUCCEEDED

    def test_a_tampered_body_a_wrong_secret_and_an_old_timestamp_are_refused(
        self, receiver, secret, company
    ):
        run_worker()
        (request,) = _received(receiver)
        headers, body = dict(request.headers), request.get_data()
        tampered = body.replace(b"Platypus", b"Wombat")
        with pytest.raises(WebhookVerificationError):
            Webhook(secret).verify(tampered, headers)
        other_secret = services.signing.new_secret()
        with pytest.raises(WebhookVerificationError):
            Webhook(other_secret).verify(body, headers)
        old = {**headers, "webhook-timestamp": str(int(time.time()) - 600)}
        with pytest.raises(WebhookVerificationError, match="too old"):
            Webhook(secret).verify(body, old)

    def test_during_a_rotation_both_secrets_sign(self, receiver, endpoint, secret, company):
        _, new_secret = services.endpoint_rotate_secret(endpoint=endpoint)
        company_services.company_update(company=company, description="Changed")
        run_worker()
        last = _received(receiver)[-1]
        for key in (secret, new_secret):
            assert Webhook(key).verify(last.get_data(), dict(last.headers))["type"]

    def test_after_the_overlap_only_the_new_secret_signs(
        self, receiver, endpoint, secret, company, clock
    ):
        _, new_secret = services.endpoint_rotate_secret(endpoint=endpoint)
        clock.advance(hours=25)
        company_services.company_update(company=company, description="Changed")
        run_worker()
        last = _received(receiver)[-1]
        # The receiver's clock is the real one: compare signatures, not timestamps.
        at = datetime.fromtimestamp(int(last.headers["webhook-timestamp"]), tz=UTC)
        body = last.get_data().decode()
        signatures = last.headers["webhook-signature"].split(" ")
        msg_id = last.headers["webhook-id"]
        assert signatures == [Webhook(new_secret).sign(msg_id, at, body)]
        assert Webhook(secret).sign(msg_id, at, body) not in signatures

    def test_only_the_event_types_asked_for_are_sent(self, receiver, endpoint, db):
        services.endpoint_update(endpoint=endpoint, event_types=["company.deleted"])
        company = company_services.company_create(name="Quiet")
        assert not Delivery.objects.exists()
        company_services.company_delete(company=company)
        run_worker()
        assert [json.loads(r.get_data())["type"] for r in _received(receiver)] == [
            "company.deleted"
        ]


class TestRetries:
    def test_a_failing_receiver_is_retried_with_growing_spaced_attempts_until_it_answers(
        self, httpserver, endpoint, clock, settings
    ):
        answers = iter([500, 503, 502, 200])
        httpserver.expect_request("/hook").respond_with_handler(
            lambda request: Response("busy" if (code := next(answers)) >= 500 else "ok", code)
        )
        company_services.company_create(name="Retried")
        delivery = Delivery.objects.get()
        waits = []
        for _ in range(3):
            attempted = clock.now
            run_worker()
            delivery.refresh_from_db()
            assert delivery.status == Delivery.Status.PENDING
            assert delivery.response_status >= 500
            assert delivery.response_excerpt == "busy"
            waits.append((delivery.next_attempt_at - attempted).total_seconds())
            run_worker()  # not due yet: nothing happens
            assert delivery.attempts == Delivery.objects.get().attempts
            clock.advance_to(delivery.next_attempt_at)
        run_worker()
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.SUCCEEDED
        assert delivery.attempts == 4
        assert len(httpserver.log) == 4
        base = settings.WEBHOOKS_RETRY_BASE_SECONDS
        for attempt, wait in enumerate(waits, start=1):
            # Doubling, with at most ±25 % jitter.
            assert base * 2 ** (attempt - 1) * 0.75 <= wait <= base * 2 ** (attempt - 1) * 1.25
        endpoint.refresh_from_db()
        assert endpoint.failing_since is None

    def test_after_a_day_of_failures_the_delivery_is_failed(self, httpserver, endpoint, clock):
        httpserver.expect_request("/hook").respond_with_data("down", status=500)
        company_services.company_create(name="Never delivered")
        delivery = Delivery.objects.get()
        started = clock.now
        while delivery.status == Delivery.Status.PENDING:
            run_worker()
            delivery.refresh_from_db()
            if delivery.next_attempt_at:
                clock.advance_to(delivery.next_attempt_at)
        assert delivery.status == Delivery.Status.FAILED
        assert delivery.last_attempt_at - started >= timedelta(hours=24) - timedelta(hours=1.25)
        assert clock.now - started >= timedelta(hours=24)
        assert 20 < delivery.attempts < 40

    def test_an_endpoint_failing_for_days_is_disabled_with_a_message(
        self, httpserver, endpoint, clock, client, manager_client
    ):
        httpserver.expect_request("/hook").respond_with_data("down", status=500)
        for day in range(6):
            company_services.company_create(name=f"Day {day}")
            for _ in range(40):
                run_worker()
                clock.advance(hours=1)
        endpoint.refresh_from_db()
        assert not endpoint.enabled
        assert "every delivery has failed since" in endpoint.disabled_reason
        assert endpoint.log.filter(actor_name="Causeway").exists()
        company_services.company_create(name="After")
        assert not Delivery.objects.filter(event__data__name="After").exists()

    def test_a_receiver_that_hangs_times_out(self, httpserver, endpoint, settings, db):
        settings.WEBHOOKS_TIMEOUT_SECONDS = 0.5

        def hang(request):
            time.sleep(1.5)
            return Response("late", 200)

        httpserver.expect_request("/hook").respond_with_handler(hang)
        company_services.company_create(name="Slow")
        started = time.monotonic()
        run_worker()
        assert time.monotonic() - started < 1.4
        delivery = Delivery.objects.get()
        assert delivery.status == Delivery.Status.PENDING
        assert delivery.error == "No answer within 0.5 seconds."
        assert delivery.response_status is None
        while not httpserver.log:  # let the receiver finish, so the next test starts clean
            time.sleep(0.1)


class TestAddresses:
    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:9/hook",
            "http://10.0.0.8/hook",
            "http://192.168.1.1/hook",
            "http://[::1]/hook",
            "http://169.254.169.254/latest/meta-data/",
        ],
    )
    def test_private_addresses_are_refused_when_not_allowed(self, settings, url, db):
        settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
        with pytest.raises(transport.AddressRefused):
            transport.post(url, b"{}", {}, timeout=1)
        with pytest.raises(services.ValidationError) as refused:
            services.endpoint_create(url=url)
        assert "url" in refused.value.message_dict

    def test_a_host_name_that_resolves_to_a_private_address_is_refused(
        self, settings, httpserver, db
    ):
        settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
        httpserver.expect_request("/hook").respond_with_data("", status=204)
        # Accepted when saved (a name), refused on delivery (what it resolves to).
        endpoint, _ = services.endpoint_create(url=f"http://localhost:{httpserver.port}/hook")
        company_services.company_create(name="Not for localhost")
        run_worker()
        delivery = Delivery.objects.get(endpoint=endpoint)
        assert delivery.error.startswith("Not sent: localhost resolves to ")
        assert "loopback" in delivery.error
        assert len(httpserver.log) == 0

    def test_metadata_addresses_are_refused_even_when_private_ones_are_allowed(self, db):
        with pytest.raises(transport.AddressRefused, match="metadata"):
            transport.post("http://169.254.169.254/", b"{}", {}, timeout=1)

    def test_private_targets_are_allowed_by_the_setting(self, receiver, endpoint, company):
        run_worker()
        assert len(receiver.log) == 1


class TestNothingLost:
    def test_a_worker_killed_between_the_change_and_the_delivery_loses_nothing(
        self, receiver, endpoint, clock
    ):
        company_services.company_create(name="Survivor")
        # The worker takes the delivery, then dies before sending it.
        delivery = Delivery.objects.get()
        claimed = Delivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=timezone.now() + timedelta(seconds=70)
        )
        assert claimed
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.all().delete()  # its task died with it
        assert services.deliveries_requeue_overdue() == 0
        clock.advance(minutes=15)
        assert services.deliveries_requeue_overdue() == 1
        run_worker()
        assert len(receiver.log) == 1
        assert Delivery.objects.get().status == Delivery.Status.SUCCEEDED

    def test_an_event_recorded_while_no_worker_runs_is_delivered_later(self, receiver, endpoint):
        company_services.company_create(name="Queued")
        assert Event.objects.count() == 1
        assert len(receiver.log) == 0
        run_worker()
        assert len(receiver.log) == 1

    def test_a_disabled_endpoint_gets_nothing(self, receiver, endpoint, db):
        services.endpoint_update(endpoint=endpoint, enabled=False)
        company_services.company_create(name="Unsent")
        run_worker()
        assert len(receiver.log) == 0
        assert Endpoint.objects.get().enabled is False
