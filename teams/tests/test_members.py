"""Team admins manage members: add, invite by e-mail, change roles, remove."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from teams.models import Invitation, Membership, Role

pytestmark = pytest.mark.django_db
User = get_user_model()


def members_url(team):
    return reverse("teams:team-members", args=[team.slug])


def invite(client, team, who, role="editor", **extra):
    return client.post(members_url(team), {"who": who, "role": role}, follow=True, **extra)


def page_text(response) -> str:
    """What the admin sees after inviting, without the parts that differ per request (CSRF tokens)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_inviting_answers_the_same_for_unknown_users_existing_users_and_members(
    client_for, team, users, django_capture_on_commit_callbacks
):
    client = client_for("admin")
    answers = set()
    for who in ["nobody", "outsider", "outsider@example.com", "viewer", "viewer@example.com", "someone@example.com"]:
        with django_capture_on_commit_callbacks(execute=True):
            response = invite(client, team, who)
        assert [message.message for message in response.context["messages"]] == [f"Invitation sent to {who}."]
        rest_of_page = page_text(response).replace(f"Invitation sent to {who}.", "")
        answers.add((response.redirect_chain[0], response.status_code, rest_of_page))
    assert len(answers) == 1
    assert not Membership.objects.filter(team=team, user=users["outsider"]).exists()
    assert Membership.objects.get(team=team, user=users["viewer"]).role == Role.VIEWER
    # The outsider was invited by name and by address; the viewer is a member already; "nobody" is no one.
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["outsider@example.com", "outsider@example.com", "someone@example.com"]


def test_an_invited_user_becomes_a_member_only_by_accepting(
    client_for, client, team, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client_for("admin"), team, "outsider")
    assert not Membership.objects.filter(team=team, user=users["outsider"]).exists()
    assert len(mail.outbox) == 1
    assert "owner invited you to the team Social on Scorecard, as Editor." in mail.outbox[0].body
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
    assert link == reverse("teams:team-list")

    outsider = client_for("outsider")
    assert outsider.get(team.get_absolute_url()).status_code == 404
    page = outsider.get(link)
    invitation = page.context["invitations"].get()
    assert "owner invited you to Social as Editor." in page.content.decode()
    answer = outsider.post(reverse("teams:invitation-respond", args=[invitation.pk]), {"answer": "accept"}, follow=True)
    assert answer.redirect_chain[-1][0] == team.get_absolute_url()
    assert "You joined Social as Editor." in answer.content.decode()
    assert Membership.objects.get(team=team, user=users["outsider"]).role == Role.EDITOR
    assert not Invitation.objects.exists()


def test_an_invited_user_who_declines_does_not_join(client_for, team, users):
    invite(client_for("admin"), team, "outsider")
    invitation = Invitation.objects.get(user=users["outsider"])
    answer = client_for("outsider").post(
        reverse("teams:invitation-respond", args=[invitation.pk]), {"answer": "decline"}, follow=True
    )
    assert "You declined the invitation to Social." in answer.content.decode()
    assert not Membership.objects.filter(team=team, user=users["outsider"]).exists()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("who", ["admin", "viewer", "superuser"])
def test_no_one_else_can_answer_an_invitation(client_for, team, users, who):
    invite(client_for("admin"), team, "outsider")
    invitation = Invitation.objects.get(user=users["outsider"])
    url = reverse("teams:invitation-respond", args=[invitation.pk])
    assert client_for(who).post(url, {"answer": "accept"}).status_code == 404
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    assert not Membership.objects.filter(team=team, user=users["outsider"]).exists()


def test_invitations_are_answered_by_post_only(client_for, team, users):
    invite(client_for("admin"), team, "outsider")
    invitation = Invitation.objects.get(user=users["outsider"])
    assert client_for("outsider").get(reverse("teams:invitation-respond", args=[invitation.pk])).status_code == 405


def test_invite_by_email_creates_an_account_that_joins_after_choosing_a_password(
    client_for, client, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client_for("admin"), team, "New.Person@Example.com")
    assert response.status_code == 200
    invited = User.objects.get(email__iexact="new.person@example.com")
    assert not invited.has_usable_password()
    assert not Membership.objects.filter(user=invited).exists()
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)

    client.logout()
    page = client.get(link, follow=True)
    assert page.status_code == 200
    set_url = page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "a-long-new-secret-9", "new_password2": "a-long-new-secret-9"})
    assert done.status_code == 302
    invited.refresh_from_db()
    assert invited.check_password("a-long-new-secret-9")

    client.post(reverse("login"), {"username": invited.username, "password": "a-long-new-secret-9"})
    invitation = client.get(reverse("teams:team-list")).context["invitations"].get()
    client.post(reverse("teams:invitation-respond", args=[invitation.pk]), {"answer": "accept"})
    assert Membership.objects.get(user=invited, team=team).role == Role.EDITOR


def test_inviting_a_new_address_that_someone_uses_as_username_makes_a_second_account(client_for, team):
    User.objects.create_user(username="clash@example.com", email="other@example.com")
    assert invite(client_for("admin"), team, "Clash@Example.com").status_code == 200
    invited = User.objects.get(email="Clash@example.com")
    assert invited.username.startswith("clash@example.com-")
    assert Invitation.objects.get().user == invited


def test_invitations_are_throttled_per_address_with_the_same_message_for_everyone(client_for, team, settings):
    settings.SCORECARD_MAIL_RATE_PER_ADDRESS = "2/hour"
    client = client_for("admin")
    for who in ["nobody", "outsider"]:
        assert [invite(client, team, who).status_code for _ in range(2)] == [200, 200]
        refused = invite(client, team, who)
        assert refused.status_code == 429
        assert "Too many e-mails were asked for in a short time" in refused.context["form"].errors["who"][0]


def test_invitations_are_throttled_per_client_address(client_for, team, settings):
    settings.SCORECARD_MAIL_RATE_PER_CLIENT = "3/hour"
    client = client_for("admin")
    statuses = [invite(client, team, f"person{n}@example.com", REMOTE_ADDR="10.0.0.7").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert invite(client, team, "person9@example.com", REMOTE_ADDR="10.0.0.8").status_code == 200
    assert not Invitation.objects.filter(user__email="person3@example.com").exists()


def test_admin_changes_a_role(client_for, team, users):
    membership = Membership.objects.get(user=users["viewer"], team=team)
    url = reverse("teams:membership-update", args=[team.slug, membership.pk])
    assert client_for("admin").post(url, {"role": "editor"}).status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.EDITOR


def test_admin_removes_a_member(client_for, team, users):
    membership = Membership.objects.get(user=users["viewer"], team=team)
    url = reverse("teams:membership-update", args=[team.slug, membership.pk])
    client_for("admin").post(url, {"remove": "1"})
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_admin_can_neither_be_removed_nor_demoted(client_for, team, users):
    membership = Membership.objects.get(user=users["admin"], team=team)
    url = reverse("teams:membership-update", args=[team.slug, membership.pk])
    client = client_for("admin")
    response = client.post(url, {"remove": "1"}, follow=True)
    assert "at least one admin" in response.content.decode()
    client.post(url, {"role": "viewer"})
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_membership_of_another_team_cannot_be_changed_through_this_team(client_for, team, org, make_user):
    foreign = Membership.objects.create(user=make_user("x"), team=org["other"], role=Role.VIEWER)
    url = reverse("teams:membership-update", args=[team.slug, foreign.pk])
    assert client_for("admin").post(url, {"role": "admin"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.role == Role.VIEWER


def test_an_unknown_role_is_refused_with_a_message(client_for, team, users):
    membership = Membership.objects.get(user=users["viewer"], team=team)
    url = reverse("teams:membership-update", args=[team.slug, membership.pk])
    response = client_for("admin").post(url, {"role": "owner"}, follow=True)
    assert "Choose a valid role." in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_an_invitation_to_a_team_whose_name_has_line_breaks_is_sent_with_a_one_line_subject(
    client_for, team, users, django_capture_on_commit_callbacks
):
    type(team).objects.filter(pk=team.pk).update(name="Social\r\nBcc: everyone@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        invite(client_for("admin"), team, "outsider")
    assert [message.subject for message in mail.outbox] == [
        "You are invited to Social Bcc: everyone@example.com on Scorecard"
    ]
    assert mail.outbox[0].bcc == [] and mail.outbox[0].message()["Bcc"] is None
