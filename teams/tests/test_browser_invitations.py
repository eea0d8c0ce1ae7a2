"""An admin invites someone who already has an account; they join only by accepting (a real browser)."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from teams.models import Membership

pytestmark = pytest.mark.browser


def test_an_invited_marketer_accepts_on_the_teams_page_and_joins_the_bakery(demo, signed_in_page, axe_check):
    admin = signed_in_page("baker")
    admin.goto("/t/bakery/settings/members/")
    invite = admin.locator("form").filter(has=admin.get_by_role("button", name="Send invitation"))
    invite.get_by_label("Username or e-mail").fill("marketer")
    invite.get_by_label("Role").select_option(label="Editor")
    invite.get_by_role("button", name="Send invitation").click()
    expect(admin.get_by_role("status")).to_contain_text("Invitation sent to marketer.")
    expect(admin.get_by_role("table")).not_to_contain_text("marketer")
    assert not Membership.objects.filter(user__username="marketer", team__slug="bakery").exists()
    assert [message.to for message in mail.outbox] == [["marketer@example.com"]]

    marketer = signed_in_page("marketer")
    invitations = marketer.get_by_role("region", name="Invitations")
    expect(invitations).to_contain_text("baker invited you to Bakery Brothers as Editor.")
    axe_check(marketer)
    invitations.get_by_role("button", name="Accept").click()

    expect(marketer.get_by_role("heading", level=1)).to_have_text("Bakery Brothers")
    expect(marketer.get_by_role("status")).to_contain_text("You joined Bakery Brothers as Editor.")
    assert Membership.objects.get(user__username="marketer", team__slug="bakery").role == "editor"
