"""Single sign-on with OpenID Connect, through the real flow against a local provider (teams/tests/oidc_fake.py).

The Django test client plays the browser: it asks the sign-in page, follows the redirect to the provider's
authorize endpoint (over HTTP to the fake) and brings the code back to allauth's callback.
"""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse

from teams.models import Membership, Role, SsoDomain, SsoProtocol, SsoProvider
from teams.tests import test_tenant_isolation as walk
from teams.tests.oidc_fake import CLIENT_ID, CLIENT_SECRET, FakeOIDCProvider, new_key, query_of

pytestmark = pytest.mark.django_db
User = get_user_model()
url_for = walk.url_for  # the access walk's fixture: a URL of every team pattern, filled with the team's objects


@pytest.fixture
def idp(httpserver):
    fake = FakeOIDCProvider(httpserver)
    fake.install()
    return fake


@pytest.fixture
def acme_sso(idp):
    provider = SsoProvider.objects.create(
        name="Acme ID",
        slug="acme",
        protocol=SsoProtocol.OIDC,
        issuer_url=idp.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )
    SsoDomain.objects.create(provider=provider, domain="acme.test")
    return provider


def start_sign_in(client, email: str = "alice@acme.test"):
    return client.post(reverse("login"), {"login": email})


def sign_in_with_sso(client, idp, email: str = "alice@acme.test"):
    """The whole round trip; returns the app's answer to the callback and the callback path."""
    response = start_sign_in(client, email)
    assert response.status_code == 302, "the sign-in page should send an Acme address to Acme ID"
    assert response.url.startswith(f"{idp.issuer}/authorize")
    callback = idp.sign_in_at_provider(response.url)
    return client.get(callback), callback


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_an_acme_address_is_sent_to_acme_id_with_a_nonce_pkce_and_login_hint(client, acme_sso, idp):
    response = start_sign_in(client, "Alice@Acme.test")
    query = query_of(response.url)
    assert query["client_id"] == CLIENT_ID
    assert query["login_hint"] == "Alice@Acme.test"
    assert query["nonce"] and query["state"] and query["code_challenge"]
    assert query["code_challenge_method"] == "S256"
    assert query["redirect_uri"] == "http://testserver/accounts/oidc/acme/login/callback/"
    assert set(query["scope"].split()) >= {"openid", "email"}


def test_first_sso_sign_in_creates_the_account_with_no_team_role(client, acme_sso, idp, org):
    response, _ = sign_in_with_sso(client, idp)
    assert response.status_code == 302
    assert response.url == reverse("teams:team-list")
    user = signed_in_user(client)
    assert user is not None
    assert (user.email, user.username) == ("alice@acme.test", "alice@acme.test")
    assert not user.has_usable_password()
    assert SocialAccount.objects.get(user=user).uid == "alice-1"
    assert not Membership.objects.filter(user=user).exists()
    # No role until an admin gives one: the team list is empty and every team is hidden.
    assert client.get(reverse("teams:team-list")).context["rows"] == []
    for team in org.values():
        assert client.get(reverse("teams:team-home", args=[team.slug])).status_code == 404


def test_signing_in_again_uses_the_same_account(client, acme_sso, idp):
    sign_in_with_sso(client, idp)
    first = signed_in_user(client)
    client.post(reverse("logout"))
    sign_in_with_sso(client, idp)
    assert signed_in_user(client) == first
    assert User.objects.filter(email="alice@acme.test").count() == 1


def test_an_invited_user_signs_in_to_the_invited_account_and_keeps_the_role(client, acme_sso, idp, team, make_user):
    invited = make_user("alice", team=team, role=Role.EDITOR)
    invited.email = "alice@acme.test"
    invited.save()
    response, _ = sign_in_with_sso(client, idp)
    assert response.status_code == 302
    assert signed_in_user(client) == invited
    assert client.get(reverse("teams:team-home", args=[team.slug])).status_code == 200


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param({"aud": "another-client"}, id="wrong audience"),
        pytest.param({"exp": 1_000_000_000, "iat": 999_999_000}, id="expired"),
        pytest.param({"iss": "https://impostor.example"}, id="wrong issuer"),
        pytest.param({"nonce": "a-nonce-of-another-sign-in"}, id="nonce of another sign-in"),
        pytest.param({"nonce": None}, id="no nonce"),
    ],
)
def test_an_id_token_that_does_not_belong_to_this_sign_in_is_refused(client, acme_sso, idp, spoil):
    idp.id_token_overrides = spoil
    response, _ = sign_in_with_sso(client, idp)
    assert response.status_code == 401
    assert signed_in_user(client) is None
    assert not User.objects.filter(email="alice@acme.test").exists()


def test_an_id_token_signed_with_another_key_is_refused(client, acme_sso, idp):
    idp.signing_key = new_key()  # same key id, a stranger's key
    response, _ = sign_in_with_sso(client, idp)
    assert response.status_code == 401
    assert signed_in_user(client) is None
    assert not User.objects.filter(email="alice@acme.test").exists()


def test_a_replayed_callback_is_refused(client, acme_sso, idp, django_user_model):
    response, callback = sign_in_with_sso(client, idp)
    assert response.status_code == 302
    client.post(reverse("logout"))
    # The same code and state again (say, from the browser history): the state was used up.
    replay = client.get(callback)
    assert replay.status_code in (400, 401)
    assert signed_in_user(client) is None


def test_a_callback_with_a_state_of_another_browser_is_refused(client, acme_sso, idp, django_user_model):
    from django.test import Client

    victim = Client()
    authorize = start_sign_in(victim).url
    callback = idp.sign_in_at_provider(authorize)
    response = client.get(callback)  # an attacker's browser, without the victim's session
    assert response.status_code in (400, 401)
    assert signed_in_user(client) is None
    assert idp.token_requests == 0


def test_an_address_of_a_domain_without_sso_gets_the_password_step(client, acme_sso, idp, users):
    response = start_sign_in(client, "viewer@example.com")
    assert response.status_code == 200
    assert not response.context["identifier_step"]
    assert "password" in response.context["form"].fields
    response = client.post(reverse("login"), {"login": "viewer@example.com", "password": "pw-viewer"})
    assert response.status_code == 302
    assert signed_in_user(client) == users["viewer"]


def test_the_provider_cannot_sign_in_an_address_outside_its_domains(client, acme_sso, idp, users):
    # Acme ID asserts an address of another organisation (which has an account here): refused, nothing joined.
    idp.user = {"sub": "mallory-7", "email": "viewer@example.com", "email_verified": True}
    response, _ = sign_in_with_sso(client, idp)
    assert response.status_code == 401
    assert "viewer@example.com" in response.content.decode()
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.exists()
    users["viewer"].refresh_from_db()
    assert users["viewer"].has_usable_password()


def test_a_username_of_an_sso_user_is_sent_to_the_provider_too(client, acme_sso, idp):
    User.objects.create_user(username="alice", email="alice@acme.test", password="pw-alice")
    response = start_sign_in(client, "alice")
    assert response.status_code == 302
    assert response.url.startswith(f"{idp.issuer}/authorize")


def test_local_passwords_can_be_turned_off_for_the_domain(client, acme_sso, idp):
    User.objects.create_user(username="alice", email="alice@acme.test", password="pw-alice")
    acme_sso.local_passwords_disabled = True
    acme_sso.save()
    for login in ("alice", "alice@acme.test"):
        # A password (say, from a password manager) is not even tried: the user goes to Acme ID.
        response = client.post(reverse("login"), {"login": login, "password": "pw-alice"})
        assert response.status_code == 302
        assert response.url.startswith(f"{idp.issuer}/authorize")
        assert signed_in_user(client) is None


def test_the_password_form_itself_refuses_a_domain_without_local_passwords(rf, acme_sso):
    from teams.sso.forms import SignInForm

    User.objects.create_user(username="alice", email="alice@acme.test", password="pw-alice")
    acme_sso.local_passwords_disabled = True
    acme_sso.save()
    request = rf.post(reverse("login"))
    request.session = {}
    form = SignInForm(data={"login": "alice", "password": "pw-alice"}, request=request)
    assert not form.is_valid()
    assert form.non_field_errors() == ["Your organisation signs you in with Acme ID, not with a password here."]


def test_a_disabled_provider_sends_nobody_away(client, acme_sso, idp):
    acme_sso.enabled = False
    acme_sso.save()
    response = start_sign_in(client)
    assert response.status_code == 200
    assert client.get("/accounts/oidc/acme/login/callback/?code=x&state=y").status_code == 404


def test_a_new_sso_user_is_an_outsider_on_every_team_page(client, acme_sso, idp, url_for):
    """The access walk of test_tenant_isolation, for an account that single sign-on just created."""
    sign_in_with_sso(client, idp)
    assert signed_in_user(client) is not None
    for name, args in walk.TEAM_PATTERNS:
        url = url_for(name, args)
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {}).status_code in (404, 405), url
        if walk.is_api(url):
            for method in (client.put, client.patch, client.delete):
                assert method(url, {}, content_type="application/json").status_code in (404, 405), url


def test_a_new_sso_user_sees_the_team_once_an_admin_adds_them(client, acme_sso, idp, team, users):
    sign_in_with_sso(client, idp)
    user = signed_in_user(client)
    Membership.objects.create(user=user, team=team, role=Role.VIEWER)
    assert client.get(reverse("teams:team-home", args=[team.slug])).status_code == 200


def test_an_unreachable_provider_gets_a_clear_page_not_an_error(client, idp):
    provider = SsoProvider.objects.create(
        name="Down ID", slug="down", protocol=SsoProtocol.OIDC, issuer_url="http://127.0.0.1:9", client_id="x"
    )
    SsoDomain.objects.create(provider=provider, domain="down.test")
    response = start_sign_in(client, "someone@down.test")
    assert response.status_code == 502
    assert "Down ID cannot be reached" in response.content.decode()


def test_a_user_with_an_authenticator_app_is_still_asked_for_the_code_after_single_sign_on(client, acme_sso, idp):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = User.objects.create_user(username="alice", email="alice@acme.test")
    SocialAccount.objects.create(user=user, provider="acme", uid="alice-1")
    TOTP.activate(user, generate_totp_secret())
    response, _ = sign_in_with_sso(client, idp)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert signed_in_user(client) is None
