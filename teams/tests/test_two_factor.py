"""Two-factor authentication (django-allauth's MFA): setting it up, signing in with it, recovery codes, the
django-axes lockout of both factors, and teams (or the whole site) that require it."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from teams.models import Membership, Role, Team

pytestmark = pytest.mark.django_db


def code_for(secret: str) -> str:
    """What the authenticator app shows now."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def sign_in_with_password(client, login: str, password: str, **extra):
    return client.post(reverse("login"), {"login": login, "password": password}, **extra)


def set_up_totp(client, password: str) -> str:
    """Through the pages: confirm the password, open the set-up, read the secret it shows, confirm with a code."""
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 302
    assert page.url.startswith(reverse("account_reauthenticate"))
    assert client.post(page.url, {"password": password}).status_code == 302
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in page.content.decode()  # shown for typing into the app (and as the QR code)
    response = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    assert response.status_code == 302
    return secret


def give_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def test_user_sets_up_an_authenticator_app_and_is_asked_for_a_code_at_sign_in(client, users):
    assert sign_in_with_password(client, "viewer", "pw-viewer").status_code == 302
    secret = set_up_totp(client, "pw-viewer")
    assert Authenticator.objects.filter(user=users["viewer"], type=Authenticator.Type.TOTP).exists()
    # Setting it up also makes the recovery codes, shown once on the next page.
    assert Authenticator.objects.filter(user=users["viewer"], type=Authenticator.Type.RECOVERY_CODES).exists()
    client.post(reverse("logout"))

    response = sign_in_with_password(client, "viewer", "pw-viewer")
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert signed_in_user_id(client) is None  # the password alone is not enough any more

    response = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert response.status_code == 302
    assert response.url == reverse("teams:team-list")
    assert signed_in_user_id(client) == str(users["viewer"].pk)


def test_a_wrong_code_does_not_sign_in(client, users):
    give_totp(users["viewer"])
    sign_in_with_password(client, "viewer", "pw-viewer")
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_a_code_from_the_app_works_only_once(client, users):
    secret = give_totp(users["viewer"])
    code = code_for(secret)
    sign_in_with_password(client, "viewer", "pw-viewer")
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    client.post(reverse("logout"))
    sign_in_with_password(client, "viewer", "pw-viewer")
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 200
    assert signed_in_user_id(client) is None


def test_each_recovery_code_signs_in_once(client, users):
    give_totp(users["viewer"])
    codes = Authenticator.objects.get(user=users["viewer"], type=Authenticator.Type.RECOVERY_CODES).wrap()
    first, second = codes.get_unused_codes()[:2]

    for code, expected in [(first, 302), (first, 200), (second, 302)]:
        client.post(reverse("logout"))
        sign_in_with_password(client, "viewer", "pw-viewer")
        assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == expected, code
    assert signed_in_user_id(client) == str(users["viewer"].pk)
    left = Authenticator.objects.get(user=users["viewer"], type=Authenticator.Type.RECOVERY_CODES).wrap()
    assert len(left.get_unused_codes()) == 8


def test_failed_passwords_add_up_whether_the_username_or_the_address_was_typed(client, users, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for login in ("viewer", "viewer@example.com", "VIEWER@example.com"):
        sign_in_with_password(client, login, "wrong", REMOTE_ADDR="10.0.0.9")
    response = sign_in_with_password(client, "viewer", "pw-viewer", REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert signed_in_user_id(client) is None


def test_bad_codes_lock_the_account_out_like_bad_passwords(client, users, settings):
    settings.AXES_FAILURE_LIMIT = 3
    secret = give_totp(users["viewer"])
    sign_in_with_password(client, "viewer", "pw-viewer", REMOTE_ADDR="10.0.0.9")
    answers = [client.post(reverse("mfa_authenticate"), {"code": "000000"}, REMOTE_ADDR="10.0.0.9") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "Too many failed sign-in attempts" in answers[-1].content.decode()

    # Locked out: the right code is refused now, and so is the right password in a new session.
    response = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert signed_in_user_id(client) is None
    client.cookies.clear()
    assert sign_in_with_password(client, "viewer", "pw-viewer", REMOTE_ADDR="10.0.0.9").status_code == 429


def test_signing_in_with_the_password_again_does_not_reset_the_count_of_bad_codes(client, users, settings):
    settings.AXES_FAILURE_LIMIT = 3
    give_totp(users["viewer"])
    for _ in range(3):
        client.cookies.clear()  # a new session each time: the password step succeeds again
        assert sign_in_with_password(client, "viewer", "pw-viewer", REMOTE_ADDR="10.0.0.9").status_code == 302
        last = client.post(reverse("mfa_authenticate"), {"code": "000000"}, REMOTE_ADDR="10.0.0.9")
    assert last.status_code == 429


# --- Teams and the site that require it ---------------------------------------------------------------------


def test_a_team_that_requires_it_sends_members_without_it_to_set_it_up(client_for, users, org):
    org["social"].require_2fa = True
    org["social"].save()
    client = client_for("viewer")
    response = client.get(reverse("teams:team-home", args=["social"]))
    assert response.status_code == 302
    assert response.url == reverse("mfa_index")
    page = client.get(response.url)
    assert "Social requires two-factor authentication" in page.content.decode()

    give_totp(users["viewer"])
    assert client.get(reverse("teams:team-home", args=["social"])).status_code == 200


def test_the_requirement_reaches_the_teams_below_and_members_of_teams_above(client_for, users, org):
    org["acme"].require_2fa = True
    org["acme"].save()
    for who in ("viewer", "parent_viewer", "superuser"):
        response = client_for(who).get(reverse("teams:team-home", args=["social"]))
        assert response.status_code == 302, who
    # Another team is not affected, and outsiders still get 404, not a hint that the team exists.
    assert client_for("outsider").get(reverse("teams:team-home", args=["other"])).status_code == 200
    assert client_for("outsider").get(reverse("teams:team-home", args=["social"])).status_code == 404


def test_after_setting_it_up_the_member_is_offered_the_way_back(client_for, users, org):
    org["social"].require_2fa = True
    org["social"].save()
    client = client_for("viewer")
    team_page = reverse("teams:team-home", args=["social"])
    client.get(team_page)
    give_totp(users["viewer"])
    assert "Continue where you were going" in client.get(reverse("mfa_index")).content.decode()
    client.get(team_page)
    assert "Continue where you were going" not in client.get(reverse("mfa_index")).content.decode()


def test_the_api_answers_403_instead_of_a_redirect(client_for, org):
    org["social"].require_2fa = True
    org["social"].save()
    response = client_for("viewer").get(reverse("teams:api-team-detail", args=["social"]))
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


def test_the_portfolio_leaves_out_teams_the_member_may_not_open_yet(client_for, users, org):
    from teams.access import readable_team_roles, visible_team_roles

    org["acme"].require_2fa = True
    org["acme"].save()
    user = users["parent_viewer"]
    assert set(visible_team_roles(user)) == {org["acme"].pk, org["social"].pk}
    assert readable_team_roles(user) == {}
    give_totp(user)
    user.__dict__.pop("_has_two_factor", None)
    assert set(readable_team_roles(user)) == {org["acme"].pk, org["social"].pk}


def test_a_superuser_can_require_it_of_everyone(client_for, settings, users):
    settings.SCORECARD_REQUIRE_2FA = True
    client = client_for("viewer")
    response = client.get(reverse("teams:team-list"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_index")
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("teams:api-team-detail", args=["social"])).status_code == 403
    give_totp(users["viewer"])
    assert client.get(reverse("teams:team-list")).status_code == 200


# --- The team's sign-in security page ---------------------------------------------------------------------------


def test_an_admin_with_two_factor_turns_the_requirement_on(client_for, users, team):
    give_totp(users["admin"])
    client = client_for("admin")
    url = reverse("teams:team-security", args=[team.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"require_2fa": "on"})
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.require_2fa
    # Members without it are now sent to set it up.
    assert client_for("viewer").get(reverse("teams:team-home", args=[team.slug])).status_code == 302


def test_turning_the_requirement_on_is_in_the_audit_trail_with_the_admin(client_for, users, team):
    from auditlog.models import LogEntry

    give_totp(users["admin"])
    client_for("admin").post(reverse("teams:team-security", args=[team.slug]), {"require_2fa": "on"})
    change = LogEntry.objects.get_for_object(team).filter(action=LogEntry.Action.UPDATE).get()
    assert change.actor == users["admin"]
    assert change.changes_dict == {"require_2fa": [False, True]}


def test_saving_the_page_unchanged_changes_nothing(client_for, users, team):
    from auditlog.models import LogEntry

    client = client_for("admin")
    url = reverse("teams:team-security", args=[team.slug])
    before = LogEntry.objects.count()
    assert client.post(url, client.get(url).context["form"].initial).status_code == 302
    assert LogEntry.objects.count() == before
    assert not Team.objects.get(pk=team.pk).require_2fa


def test_an_admin_without_two_factor_is_told_to_set_it_up_first(client_for, team):
    response = client_for("admin").post(reverse("teams:team-security", args=[team.slug]), {"require_2fa": "on"})
    assert response.status_code == 200
    assert "Set up two-factor authentication for yourself first" in response.content.decode()
    team.refresh_from_db()
    assert not team.require_2fa


@pytest.mark.parametrize(("who", "status"), [("viewer", 403), ("editor", 403), ("outsider", 404)])
def test_only_admins_change_the_requirement(client_for, team, who, status):
    response = client_for(who).post(reverse("teams:team-security", args=[team.slug]), {"require_2fa": "on"})
    assert response.status_code == status
    assert not Team.objects.get(pk=team.pk).require_2fa


def test_the_page_says_when_a_team_above_requires_it_already(client_for, users, org):
    org["acme"].require_2fa = True
    org["acme"].save()
    give_totp(users["admin"])
    page = client_for("admin").get(reverse("teams:team-security", args=["social"]))
    assert "A team above this one (Acme) already requires" in page.content.decode()
    assert Membership.objects.filter(user=users["admin"], role=Role.ADMIN).exists()
