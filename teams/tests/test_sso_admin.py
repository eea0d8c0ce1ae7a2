"""A superuser configures an organisation's single sign-on in the Django admin."""

import pytest
from django.urls import reverse

from teams.models import SsoDomain, SsoProvider

pytestmark = pytest.mark.django_db

ADD = reverse("admin:teams_ssoprovider_add")


def form_data(**overrides):
    data = {
        "name": "Acme ID",
        "slug": "acme",
        "protocol": "oidc",
        "enabled": "on",
        "issuer_url": "https://login.acme.test/v2.0",
        "client_id": "scorecard",
        "client_secret": "secret",
        "extra_settings": "{}",
        "domains-TOTAL_FORMS": "1",
        "domains-INITIAL_FORMS": "0",
        "domains-MIN_NUM_FORMS": "0",
        "domains-MAX_NUM_FORMS": "1000",
        "domains-0-domain": "@Acme.TEST ",
    }
    return {**data, **overrides}


def test_superuser_adds_an_oidc_provider_with_its_domain_and_sees_the_redirect_uri(client_for):
    client = client_for("superuser")
    response = client.post(ADD, form_data())
    assert response.status_code == 302, response.context["adminform"].form.errors
    provider = SsoProvider.objects.get(slug="acme")
    assert list(provider.domains.values_list("domain", flat=True)) == ["acme.test"]
    page = client.get(reverse("admin:teams_ssoprovider_change", args=[provider.pk])).content.decode()
    assert "http://127.0.0.1:8000/accounts/oidc/acme/login/callback/" in page


def test_an_oidc_provider_without_its_client_id_is_refused(client_for):
    response = client_for("superuser").post(ADD, form_data(client_id=""))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["client_id"] == ["Required for this protocol."]
    assert not SsoProvider.objects.exists()


def test_a_domain_that_is_not_a_domain_is_refused(client_for):
    response = client_for("superuser").post(ADD, form_data(**{"domains-0-domain": "acme.test/login"}))
    assert response.status_code == 200
    assert not SsoDomain.objects.exists()


def test_a_saml_provider_needs_its_idp_certificate_or_metadata(client_for):
    data = form_data(protocol="saml", idp_entity_id="https://idp.acme.test", idp_sso_url="https://idp.acme.test/sso")
    response = client_for("superuser").post(ADD, data)
    assert response.context["adminform"].form.errors["idp_x509_certificate"] == ["Required for this protocol."]
    response = client_for("superuser").post(ADD, {**data, "idp_metadata_url": "https://idp.acme.test/metadata"})
    assert response.status_code == 302


def test_the_admin_signs_in_through_the_app_sign_in_page(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
