"""Settings > Webhooks: the endpoint list and page, their actions and permissions."""

from __future__ import annotations

from companies import services as company_services
from portal.webhooks import services
from portal.webhooks.models import Delivery, Endpoint, Event
from tests.support import page_of, run_worker

LIST = "/settings/webhooks/"


def _page(endpoint: Endpoint) -> str:
    return f"/settings/webhooks/{endpoint.pk}/"


class TestEndpointList:
    def test_it_lists_endpoints_with_their_counts(self, viewer_client, endpoint):
        html = page_of(viewer_client.get(LIST), "Webhooks")
        assert endpoint.url in html
        assert "New endpoint" not in html  # Viewers look, Managers change

    def test_a_manager_adds_one_and_sees_the_secret_once(self, manager_client, db):
        response = manager_client.post(
            LIST,
            {
                "url": "https://example.com/hooks",
                "description": "CRM",
                "event_types": ["company.created", "sync.completed"],
                "enabled": "on",
            },
        )
        endpoint = Endpoint.objects.get()
        assert response.status_code == 302 and response["Location"] == _page(endpoint)
        assert endpoint.event_types == ["company.created", "sync.completed"]
        shown = manager_client.get(_page(endpoint))
        assert "whsec_" in page_of(shown, "Webhook endpoint")
        assert "no-store" in shown["Cache-Control"]
        assert "whsec_" not in manager_client.get(_page(endpoint)).content.decode()

    def test_reloading_after_a_create_makes_no_second_endpoint(self, manager_client, db):
        """The create redirects, so the browser's reload repeats the GET, not the POST."""
        data = {"url": "https://example.com/hooks", "event_types": ["company.created"]}
        response = manager_client.post(LIST, data, follow=True)
        assert response.redirect_chain[-1][1] == 302
        assert page_of(response, "Webhook endpoint").count('id="webhook-secret"') == 1
        page = response.redirect_chain[-1][0]
        reloaded = page_of(manager_client.get(page), "Webhook endpoint")
        assert "whsec_" not in reloaded and "The signing secret" not in reloaded
        assert Endpoint.objects.count() == 1

    def test_the_secret_is_shown_on_its_own_endpoint_only(self, manager_client, endpoint):
        manager_client.post(LIST, {"url": "https://example.com/other"})
        assert "whsec_" not in manager_client.get(_page(endpoint)).content.decode()

    def test_a_bad_url_is_a_form_error(self, manager_client, db, settings):
        settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
        response = manager_client.post(LIST, {"url": "http://10.1.2.3/hook"})
        html = page_of(response, "Webhooks", status=400)
        assert "private or reserved address" in html
        assert not Endpoint.objects.exists()

    def test_it_requires_login(self, client):
        assert client.get(LIST).status_code == 302

    def test_outsiders_and_viewers_cannot_add(self, outsider_client, viewer_client, db):
        assert outsider_client.get(LIST).status_code == 403
        assert viewer_client.post(LIST, {"url": "https://example.com/x"}).status_code == 403
        assert not Endpoint.objects.exists()

    def test_the_query_count_does_not_grow(self, manager_client, db, django_assert_num_queries):
        for n in range(5):
            services.endpoint_create(url=f"https://example.com/{n}")
        # session, user, its permissions (two), the endpoints with their counts
        with django_assert_num_queries(5):
            manager_client.get(LIST)


class TestEndpointPage:
    def test_it_lists_deliveries_newest_first_with_filters(
        self, viewer_client, receiver, endpoint, company
    ):
        company_services.company_update(company=company, description="Changed")
        run_worker()
        html = page_of(viewer_client.get(_page(endpoint)), "Webhook endpoint")
        assert html.index("<code>company.updated<") < html.index("<code>company.created<")
        assert "204" in html
        filtered = viewer_client.get(_page(endpoint), {"event_type": "company.created"})
        assert "<code>company.updated</code>" not in filtered.content.decode()
        none = viewer_client.get(_page(endpoint), {"status": "failed"}).content.decode()
        assert "No deliveries match these filters." in none

    def test_the_deliveries_region_alone_for_htmx(self, viewer_client, endpoint, company):
        response = viewer_client.get(
            _page(endpoint), headers={"HX-Request": "true", "HX-Target": "deliveries"}
        )
        assert response.content.decode().lstrip().startswith('<div id="deliveries">')

    def test_it_is_paginated_and_its_query_count_does_not_grow(
        self, manager_client, endpoint, django_assert_num_queries
    ):
        for n in range(60):
            company_services.company_create(name=f"Company {n}")
        with django_assert_num_queries(8):
            html = page_of(manager_client.get(_page(endpoint)), "Webhook endpoint")
        assert "Page 1 of 2" in html

    def test_send_test_event(self, manager_client, receiver, endpoint):
        response = manager_client.post(f"{_page(endpoint)}test/")
        assert response.status_code == 302
        run_worker()
        assert Delivery.objects.get().event.type == "webhook.test"
        assert len(receiver.log) == 1

    def test_resend_one_and_resend_all_failed_since(self, manager_client, receiver, endpoint):
        company_services.company_create(name="One")
        company_services.company_create(name="Two")
        Delivery.objects.update(status=Delivery.Status.FAILED, next_attempt_at=None)
        first = Delivery.objects.order_by("id").first()
        manager_client.post(f"{_page(endpoint)}deliveries/{first.pk}/resend/")
        run_worker()
        assert Delivery.objects.filter(status="succeeded").count() == 1
        response = manager_client.post(f"{_page(endpoint)}resend-failed/", {"since": "2000-01-01"})
        assert response.status_code == 302
        run_worker()
        assert Delivery.objects.filter(status="succeeded").count() == 2
        assert len(receiver.log) == 2

    def test_resend_failed_needs_a_time(self, manager_client, endpoint):
        response = manager_client.post(f"{_page(endpoint)}resend-failed/", {"since": "soon"})
        assert "Enter a valid date/time." in page_of(response, "Webhook endpoint", status=400)

    def test_rotate_shows_the_new_secret_once(self, manager_client, endpoint, secret):
        response = manager_client.post(f"{_page(endpoint)}rotate-secret/", {"confirmed": "yes"})
        assert response.status_code == 302 and response["Location"] == _page(endpoint)
        html = page_of(manager_client.get(_page(endpoint)), "Webhook endpoint")
        assert "The new signing secret" in html and secret not in html
        reloaded = page_of(manager_client.get(_page(endpoint)), "Webhook endpoint")
        assert "The new signing secret" not in reloaded and "whsec_" not in reloaded

    def test_edit_and_disable(self, manager_client, endpoint):
        response = manager_client.post(
            f"{_page(endpoint)}edit/", {"url": endpoint.url, "description": "Paused"}
        )
        assert response.status_code == 302
        endpoint.refresh_from_db()
        assert (endpoint.enabled, endpoint.description) == (False, "Paused")

    def test_viewers_cannot_act(self, viewer_client, endpoint):
        for action in ("test/", "rotate-secret/", "delete/", "edit/", "resend-failed/"):
            assert viewer_client.post(f"{_page(endpoint)}{action}").status_code == 403
        assert not Event.objects.filter(type="webhook.test").exists()

    def test_actions_reject_get(self, manager_client, endpoint):
        assert manager_client.get(f"{_page(endpoint)}test/").status_code == 405

    def test_delete(self, manager_client, endpoint):
        assert (
            manager_client.post(f"{_page(endpoint)}delete/", {"confirmed": "yes"}).status_code
            == 302
        )
        assert not Endpoint.objects.exists()


def test_the_company_activity_log_shows_the_events_sent_about_it(
    manager_client, receiver, endpoint, company
):
    run_worker()
    html = page_of(manager_client.get(f"/companies/{company.pk}/"), company.name)
    assert "<code>company.created</code>" in html
    assert "sent to 1 endpoint" in html
