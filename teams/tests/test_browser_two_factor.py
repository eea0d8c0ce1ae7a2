"""Two-factor authentication and single sign-on pages in a real browser, with axe-core on each of them."""

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

from teams.models import SsoDomain, SsoProtocol, SsoProvider

pytestmark = pytest.mark.browser


def app_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_an_admin_sets_up_an_authenticator_app_signs_in_with_it_and_requires_it_of_the_team(
    demo, signed_in_page, axe_check
):
    page = signed_in_page("baker")
    page.get_by_role("button", name="baker").click()
    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    axe_check(page)

    page.get_by_role("link", name="Activate").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Confirm Access")
    axe_check(page)
    page.get_by_label("Password").fill("pw-baker")
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    axe_check(page)
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(app_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery Codes")
    axe_check(page)
    # Security keys (WebAuthn): allauth's scripts load under the site's content security policy.
    page.goto("/accounts/2fa/webauthn/add/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add Security Key")
    axe_check(page)

    page.get_by_role("button", name="baker").click()
    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("baker")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Password").fill("pw-baker")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    axe_check(page)
    page.get_by_label("Code").fill(app_code(secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Your teams")).to_be_visible()

    page.goto("/t/bakery/")
    page.get_by_role("link", name="Sign-in security").click()
    axe_check(page)
    page.get_by_label("Require two-factor authentication").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The sign-in settings of Bakery Brothers were saved.")).to_be_visible()
    expect(page.get_by_label("Require two-factor authentication")).to_be_checked()
    axe_check(page)


def test_a_member_without_two_factor_is_sent_to_set_it_up_on_a_team_that_requires_it(demo, signed_in_page, axe_check):
    bakery = demo.teams["bakery"]
    bakery.require_2fa = True
    bakery.save()
    page = signed_in_page("baker")
    page.goto("/t/bakery/")
    expect(page).to_have_url("/accounts/2fa/")
    expect(page.get_by_text("Bakery Brothers requires two-factor authentication")).to_be_visible()
    axe_check(page)


def test_the_sign_in_page_explains_a_provider_that_cannot_be_reached(demo, page, axe_check):
    provider = SsoProvider.objects.create(
        name="Acme ID", slug="acme", protocol=SsoProtocol.OIDC, issuer_url="http://127.0.0.1:9", client_id="x"
    )
    SsoDomain.objects.create(provider=provider, domain="acme.test")
    page.goto("/accounts/login/")
    axe_check(page)
    page.get_by_label("Username").fill("someone@acme.test")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Single sign-on failed")
    expect(page.get_by_text("Acme ID cannot be reached")).to_be_visible()
    axe_check(page)
