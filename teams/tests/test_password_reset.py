"""Password reset e-mails: asked for too often, for one address or from one client, they stop."""

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def ask_reset(client, email, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def test_a_reset_link_is_mailed_to_a_known_address(client, users):
    assert ask_reset(client, "viewer@example.com").status_code == 302
    assert [message.to for message in mail.outbox] == [["viewer@example.com"]]


@pytest.mark.parametrize("email", ["viewer@example.com", "no-account@example.com"])
def test_resets_for_one_address_are_throttled_with_the_same_answer_whether_it_exists_or_not(
    client, users, settings, email
):
    settings.SCORECARD_MAIL_RATE_PER_ADDRESS = "2/hour"
    assert [ask_reset(client, email).status_code for _ in range(2)] == [302, 302]
    sent = len(mail.outbox)
    refused = ask_reset(client, email)
    assert refused.status_code == 429
    [error] = refused.context["form"].errors["email"]
    assert error.startswith("Too many e-mails were asked for in a short time. Please try again in ")
    assert len(mail.outbox) == sent


def test_resets_from_one_client_address_are_throttled_across_addresses(client, users, settings):
    settings.SCORECARD_MAIL_RATE_PER_CLIENT = "2/hour"
    statuses = [ask_reset(client, f"{name}@example.com", REMOTE_ADDR="10.0.0.7").status_code for name in "abc"]
    assert statuses == [302, 302, 429]
    assert ask_reset(client, "viewer@example.com", REMOTE_ADDR="10.0.0.8").status_code == 302
    assert len(mail.outbox) == 1


def test_a_forwarded_address_made_up_by_the_client_does_not_dodge_the_throttle(client, users, settings):
    settings.SCORECARD_MAIL_RATE_PER_CLIENT = "2/hour"
    statuses = [
        ask_reset(client, f"{n}@example.com", REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]


def test_a_mistyped_mail_rate_is_reported_by_the_system_check(settings):
    from django.core.checks import run_checks

    settings.SCORECARD_MAIL_RATE_PER_CLIENT = "twenty an hour"
    assert [(error.id, error.msg.split(":")[0]) for error in run_checks()] == [
        ("teams.E001", "SCORECARD_MAIL_RATE_PER_CLIENT")
    ]
