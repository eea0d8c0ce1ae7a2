"""Single sign-on with SAML 2.0: allauth's SAML provider (python3-saml, xmlsec) against a local IdP's signed
responses (teams/tests/saml_fake.py), driven with the Django test client from the sign-in page to the ACS."""

import datetime as dt

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from teams.models import Membership, SsoDomain, SsoProtocol, SsoProvider
from teams.tests import test_tenant_isolation as walk
from teams.tests.saml_fake import IDP_ENTITY_ID, IDP_SSO_URL, FakeSAMLIdP, KeyPair

pytestmark = pytest.mark.django_db
User = get_user_model()
url_for = walk.url_for  # the access walk's fixture: a URL of every team pattern, filled with the team's objects
HOST = "scorecard.test"
ACS = f"http://{HOST}/accounts/saml/globex/acs/"
SP_ENTITY_ID = f"http://{HOST}/accounts/saml/globex/metadata/"


@pytest.fixture
def idp():
    return FakeSAMLIdP()


@pytest.fixture(autouse=True)
def _host(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]


@pytest.fixture
def client():
    """python3-saml reads the Host header, which browsers always send (Django's test client does not)."""
    return Client(HTTP_HOST=HOST)


@pytest.fixture
def globex_sso(idp):
    provider = SsoProvider.objects.create(
        name="Globex SSO",
        slug="globex",
        protocol=SsoProtocol.SAML,
        idp_entity_id=IDP_ENTITY_ID,
        idp_sso_url=IDP_SSO_URL,
        idp_x509_certificate=idp.keys.cert_pem,
    )
    SsoDomain.objects.create(provider=provider, domain="globex.test")
    return provider


def start(client, email="bob@globex.test") -> str:
    response = client.post(reverse("login"), {"login": email})
    assert response.status_code == 302
    return response.url


def post_to_acs(client, saml_response: str):
    """The browser posts the IdP's form to the ACS, which hands over to allauth's finishing view."""
    response = client.post(reverse("saml_acs", args=["globex"]), {"SAMLResponse": saml_response})
    assert response.status_code == 302
    return client.get(response.url)


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_a_globex_address_is_sent_to_the_idp_and_the_first_sign_in_creates_an_account_without_a_role(
    client, globex_sso, idp, org
):
    request_id = idp.request_id(start(client))
    response = post_to_acs(
        client, idp.response(in_response_to=request_id, acs_url=ACS, audience=SP_ENTITY_ID, email="bob@globex.test")
    )
    assert response.status_code == 302
    assert response.url == reverse("teams:team-list")
    user = signed_in_user(client)
    assert (user.email, user.username) == ("bob@globex.test", "bob@globex.test")
    assert SocialAccount.objects.get(user=user, provider="globex").uid == "bob-42"
    assert not Membership.objects.filter(user=user).exists()
    for team in org.values():
        assert client.get(reverse("teams:team-home", args=[team.slug])).status_code == 404


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param({"signed": False}, id="unsigned"),
        pytest.param({"sign_with": KeyPair.new("impostor.test")}, id="signed with another key"),
        pytest.param({"audience": "https://another-sp.example/metadata/"}, id="for another service"),
        pytest.param({"valid_for": dt.timedelta(minutes=-10)}, id="expired"),
    ],
)
def test_a_response_that_is_not_for_this_sign_in_is_refused(client, globex_sso, idp, spoil):
    request_id = idp.request_id(start(client))
    answer = {"in_response_to": request_id, "acs_url": ACS, "audience": SP_ENTITY_ID, "email": "bob@globex.test"}
    response = post_to_acs(client, idp.response(**{**answer, **spoil}))
    assert response.status_code == 401
    assert signed_in_user(client) is None
    assert not User.objects.filter(email="bob@globex.test").exists()


def test_a_replayed_response_is_refused(client, globex_sso, idp):
    request_id = idp.request_id(start(client))
    saml_response = idp.response(in_response_to=request_id, acs_url=ACS, audience=SP_ENTITY_ID, email="bob@globex.test")
    assert post_to_acs(client, saml_response).status_code == 302
    # Captured and posted again, by the same browser after signing out or by another one: the request it
    # answered was used up.
    client.post(reverse("logout"))
    for browser in (client, Client(HTTP_HOST=HOST)):
        assert post_to_acs(browser, saml_response).status_code in (401, 403)
        assert signed_in_user(browser) is None


def test_the_idp_cannot_sign_in_an_address_outside_its_domains(client, globex_sso, idp, users):
    request_id = idp.request_id(start(client))
    saml_response = idp.response(
        in_response_to=request_id, acs_url=ACS, audience=SP_ENTITY_ID, email="viewer@example.com"
    )
    assert post_to_acs(client, saml_response).status_code == 401
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.exists()


def test_the_service_provider_metadata_is_published_for_the_idp(client, globex_sso):
    response = client.get(reverse("saml_metadata", args=["globex"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'entityID="{SP_ENTITY_ID}"' in body
    assert ACS in body


def test_the_start_up_check_finds_xmlsec_and_lxml_on_one_libxml2(monkeypatch):
    import xmlsec

    from teams.sso.checks import saml_libraries

    assert saml_libraries() == []
    monkeypatch.setattr(xmlsec, "get_libxml_version", lambda: (1, 0, 0))
    [error] = saml_libraries()
    assert error.id == "teams.E002"
    assert "libxmlsec1-dev" in error.hint


def test_a_new_saml_user_is_an_outsider_on_every_team_page(client, globex_sso, idp, url_for):
    request_id = idp.request_id(start(client))
    post_to_acs(
        client, idp.response(in_response_to=request_id, acs_url=ACS, audience=SP_ENTITY_ID, email="bob@globex.test")
    )
    assert signed_in_user(client) is not None
    for name, args in walk.TEAM_PATTERNS:
        url = url_for(name, args)
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {}).status_code in (404, 405), url
