"""“Connect with …” for every provider, against a local fake authorization server and API (oauth_fakes.py)."""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from django.urls import reverse

from metrics.crypto import credentials_decrypt
from metrics.models import Channel, Metric
from metrics.tests.oauth_fakes import CLIENT_SECRET, FIRST_ACCOUNT, PKCE, PROVIDER_KEYS, install
from teams.models import Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture(params=PROVIDER_KEYS)
def fake(request, httpserver, settings):
    return install(httpserver, settings, request.param)


def leave_for_platform(client, team, fake):
    """Press “Connect with …”: the answer sends the browser to the fake's authorize URL."""
    response = client.post(reverse("metrics:channel-connect", args=[team.slug, fake.key]))
    assert response.status_code == 302 and response["Location"].startswith(fake.base + "/authorize")
    return response["Location"]


def come_back(client, authorize_url):
    """The platform's consent screen answers; the browser follows its redirect back to our callback."""
    back = httpx.get(authorize_url, follow_redirects=False).headers["location"]
    return client.get(back.removeprefix("http://testserver")), back


def connect(client, team, fake):
    response, _back = come_back(client, leave_for_platform(client, team, fake))
    return response


def secrets_of(fake):
    return {t for t in fake.access | fake.refresh | {fake.page_token} if t}


def test_a_team_admin_connects_an_account_in_a_few_clicks(client_for, team, fake, caplog):
    caplog.set_level(logging.DEBUG)
    client = client_for("admin")
    response = connect(client, team, fake)
    assert response.status_code == 302 and "/channels/connect/pick/" in response["Location"]
    picker = client.get(response["Location"]).content.decode()
    name, platform, ref = FIRST_ACCOUNT[fake.key]
    assert name in picker
    response = client.post(response["Location"], {"account": "0", "name": "", "key_prefix": ""})
    channel = Channel.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/channels/{channel.pk}/")
    assert (channel.platform, channel.account_ref, channel.oauth_provider) == (platform, ref, fake.key)
    assert Metric.objects.filter(channel=channel).exists()
    stored = credentials_decrypt(channel.credentials_encrypted)
    assert stored["token"] in ({fake.page_token} if fake.key == "meta" else fake.access)
    detail = client.get(response["Location"]).content.decode()
    assert "connected as" in detail and ("token valid until" in detail or "does not expire" in detail)
    pages = picker + detail + client.get(reverse("metrics:channel-edit", args=[team.slug, channel.pk])).content.decode()
    pages += client.get(reverse("metrics:channel-status", args=[team.slug, channel.pk])).content.decode()
    pages += client.get(reverse("metrics:api-metric-list", args=[team.slug])).content.decode()
    ours = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("werkzeug"))  # not the fake's
    for secret in secrets_of(fake) | {CLIENT_SECRET}:
        assert secret not in pages
        assert secret not in ours


def test_the_picker_offers_every_page_and_instagram_account_a_facebook_sign_in_sees(
    client_for, team, httpserver, settings
):
    fake = install(httpserver, settings, "meta")
    client = client_for("admin")
    picker = client.get(connect(client, team, fake)["Location"]).content.decode()
    assert "Acme Bakery" in picker and "@acme.bakes" in picker


def test_denied_consent_connects_nothing_and_says_so(client_for, team, fake):
    fake.deny = True
    response = connect(client_for("admin"), team, fake)
    assert response.status_code == 302 and response["Location"].endswith(f"/t/{team.slug}/channels/")
    assert not Channel.objects.exists()


def test_a_tampered_state_is_refused(client_for, team, fake):
    client = client_for("admin")
    back = httpx.get(leave_for_platform(client, team, fake), follow_redirects=False).headers["location"]
    query = parse_qs(urlsplit(back).query)
    forged = {"code": query["code"][0], "state": query["state"][0][:-3] + "abc"}
    response = client.get(reverse("metrics:oauth-callback", args=[fake.key]) + "?" + urlencode(forged))
    assert response.status_code == 400 and "not ours" in response.content.decode()
    assert not Channel.objects.exists()


def test_a_replayed_state_is_refused(client_for, team, fake):
    client = client_for("admin")
    first, back = come_back(client, leave_for_platform(client, team, fake))
    assert first.status_code == 302
    again = client.get(back.removeprefix("http://testserver"))
    assert again.status_code == 400 and "already used" in again.content.decode()


def test_an_expired_state_is_refused(client_for, team, fake, monkeypatch, settings):
    client = client_for("admin")
    authorize = leave_for_platform(client, team, fake)
    later = time.time() + settings.OAUTH_STATE_MAX_AGE + 5
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    response, _back = come_back(client, authorize)
    assert response.status_code == 400 and "expired" in response.content.decode()


def test_a_state_from_another_browser_session_is_refused(client_for, client, team, fake, users):
    authorize = leave_for_platform(client_for("admin"), team, fake)
    client.logout()
    client.force_login(users["superuser"])  # a fresh session: the flow is not in it
    response, _back = come_back(client, authorize)
    assert response.status_code == 400


def test_the_callback_checks_the_admin_role_on_the_states_team(client_for, team, fake, users):
    client = client_for("admin")
    authorize = leave_for_platform(client, team, fake)
    Membership.objects.filter(user=users["admin"], team=team).update(role=Role.EDITOR)
    users["admin"].__dict__.pop("_team_roles_cache", None)
    response, _back = come_back(client, authorize)
    assert response.status_code == 403
    assert not Channel.objects.exists()


def test_a_sign_in_cannot_be_picked_under_another_team(client_for, team, org, fake, users):
    Membership.objects.create(user=users["admin"], team=org["other"], role=Role.ADMIN)
    client = client_for("admin")
    pick_url = connect(client, team, fake)["Location"]
    foreign = pick_url.replace(f"/t/{team.slug}/", f"/t/{org['other'].slug}/")
    page = client.get(foreign).content.decode()
    assert "This sign-in is over" in page and FIRST_ACCOUNT[fake.key][0] not in page
    assert client.post(foreign, {"account": "0"}).status_code == 404
    assert not Channel.objects.exists()


@pytest.mark.parametrize("key", PKCE)
def test_a_wrong_pkce_verifier_is_refused_by_the_platform(client_for, team, httpserver, settings, key):
    fake = install(httpserver, settings, key)
    client = client_for("admin")
    authorize = leave_for_platform(client, team, fake)
    session = client.session
    flows = session["oauth_flows"]
    for flow in flows.values():
        flow[3] = "x" * 64  # not the verifier whose challenge went to the platform
    session["oauth_flows"] = flows
    session.save()
    response, _back = come_back(client, authorize)
    assert response.status_code == 302 and not Channel.objects.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("invalid_grant" in m for m in messages)


@pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("viewer", 403), ("editor", 403)])
def test_only_team_admins_start_a_connection(client_for, team, fake, who, status):
    response = client_for(who).post(reverse("metrics:channel-connect", args=[team.slug, fake.key]))
    assert response.status_code == status


def test_without_a_client_id_the_form_offers_the_manual_token_field_and_the_guide(client_for, team, settings):
    settings.OAUTH_PROVIDERS = {k: {**v, "client_id": ""} for k, v in settings.OAUTH_PROVIDERS.items()}
    page = client_for("admin").get(reverse("metrics:channel-create", args=[team.slug]) + "?platform=x").content.decode()
    assert (
        "docs/oauth/x.md" in page
        and "/oauth/x/guide/" in page
        and 'name="credential"' in page
        and "Connect with X</button>" not in page
    )
    assert client_for("admin").post(reverse("metrics:channel-connect", args=[team.slug, "x"])).status_code == 404


def test_the_callback_is_404_for_someone_no_longer_on_the_states_team(client_for, team, fake, users):
    client = client_for("admin")
    authorize = leave_for_platform(client, team, fake)
    Membership.objects.filter(user=users["admin"], team=team).delete()
    users["admin"].__dict__.pop("_team_roles_cache", None)
    response, _back = come_back(client, authorize)
    assert response.status_code == 404 and not Channel.objects.exists()


def test_the_callback_sends_anonymous_visitors_to_sign_in(client, fake):
    response = client.get(reverse("metrics:oauth-callback", args=[fake.key]) + "?code=c&state=s")
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_csp_lets_the_connect_form_redirect_to_every_platforms_sign_in_page_and_nowhere_else():
    from urllib.parse import urlsplit

    from django.conf import settings as live_settings

    allowed = {str(source) for source in live_settings.SECURE_CSP["form-action"]}
    origins = {
        f"{urlsplit(p['authorize_url']).scheme}://{urlsplit(p['authorize_url']).netloc}"
        for p in live_settings.OAUTH_PROVIDERS.values()
    }
    assert allowed == {"'self'", *origins}


def test_the_setup_guide_shows_the_redirect_url_to_register(client_for, settings):
    settings.SCORECARD_BASE_URL = "https://scorecard.example.com"
    page = client_for("viewer").get(reverse("metrics:oauth-guide", args=["linkedin"])).content.decode()
    assert "https://scorecard.example.com/oauth/linkedin/callback/" in page and "rw_organization_admin" in page
    assert client_for("viewer").get(reverse("metrics:oauth-guide", args=["myspace"])).status_code == 404


def test_an_account_listing_in_an_unexpected_shape_says_so_and_connects_nothing(client_for, team, fake, monkeypatch):
    monkeypatch.setattr(type(fake), "listing", lambda self, path, request: {"data": [{"no": "id"}], "items": [{}]})
    response = connect(client_for("admin"), team, fake)
    assert response.status_code == 302 and not Channel.objects.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    if fake.key == "instagram":  # the token answer itself names the account: the picker offers it
        assert "/connect/pick/" in response["Location"]
    else:
        assert any("unexpected shape" in m or "did not say" in m or "no account" in m for m in messages), messages
