"""Signing in, out, changing a password, and the brute-force lockout (django-axes)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_user_signs_in_and_lands_on_the_team_list(client, users):
    response = client.post(reverse("login"), {"username": "viewer", "password": "pw-viewer"})
    assert response.status_code == 302
    assert response.url == reverse("teams:team-list")


def test_sign_out_needs_post_and_ends_the_session(client_for):
    client = client_for("viewer")
    client.post(reverse("logout"))
    assert client.get(reverse("teams:team-list")).status_code == 302


def test_password_change(client_for, users):
    client = client_for("viewer")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-viewer",
            "new_password1": "another-long-secret-7",
            "new_password2": "another-long-secret-7",
        },
    )
    assert response.status_code == 302
    users["viewer"].refresh_from_db()
    assert users["viewer"].check_password("another-long-secret-7")


def test_repeated_failed_logins_lock_the_account_even_for_the_right_password(client, users, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "viewer", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    response = client.post(reverse("login"), {"username": "viewer", "password": "pw-viewer"}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_new_forwarded_address_per_attempt_does_not_dodge_the_lockout(client, users, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for attempt in range(3):
        client.post(
            reverse("login"),
            {"username": "viewer", "password": "wrong"},
            REMOTE_ADDR="10.0.0.9",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        )
    response = client.post(
        reverse("login"),
        {"username": "viewer", "password": "pw-viewer"},
        REMOTE_ADDR="10.0.0.9",
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "10.0.0.2"),
        (0, "203.0.113.66", "10.0.0.2"),
        (1, "", "10.0.0.2"),
        (1, "203.0.113.66, 198.51.100.7", "198.51.100.7"),
        (2, "203.0.113.66, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
        (3, "198.51.100.7", "198.51.100.7"),
    ],
)
def test_the_lockout_the_trail_and_the_api_throttles_read_the_client_address_alike(
    rf, settings, proxies, forwarded, expected
):
    from axes.helpers import get_client_ip_address
    from rest_framework.throttling import BaseThrottle

    from teams.remote import AuditlogMiddleware, client_ip

    settings.TRUSTED_PROXIES = proxies
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", **headers)
    assert client_ip(request) == expected
    assert get_client_ip_address(request) == expected
    assert AuditlogMiddleware._get_remote_addr(request) == expected
    assert BaseThrottle().get_ident(request) == expected
