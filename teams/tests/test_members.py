"""Team admins manage members: add, invite by e-mail, change roles, remove."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from teams.models import Membership, Role

pytestmark = pytest.mark.django_db
User = get_user_model()


def members_url(team):
    return reverse("teams:team-members", args=[team.slug])


def test_admin_adds_an_existing_user_by_username(client_for, team, users):
    response = client_for("admin").post(members_url(team), {"who": "outsider", "role": "editor"})
    assert response.status_code == 302
    assert Membership.objects.get(user=users["outsider"], team=team).role == Role.EDITOR


def test_adding_a_member_twice_is_refused_with_a_message(client_for, team):
    response = client_for("admin").post(members_url(team), {"who": "viewer", "role": "editor"})
    assert response.status_code == 200
    assert "already a member" in response.context["form"].errors["who"][0]
    assert Membership.objects.get(user__username="viewer", team=team).role == Role.VIEWER


def test_unknown_username_gets_a_form_error(client_for, team):
    response = client_for("admin").post(members_url(team), {"who": "nobody", "role": "viewer"})
    assert response.status_code == 200
    assert "No user is called" in response.context["form"].errors["who"][0]
    assert not User.objects.filter(username="nobody").exists()


def test_invite_by_email_creates_the_user_and_mails_a_set_password_link(
    client_for, client, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("admin").post(members_url(team), {"who": "New.Person@Example.com", "role": "editor"})
    assert response.status_code == 302
    invited = User.objects.get(email__iexact="new.person@example.com")
    assert not invited.has_usable_password()
    assert Membership.objects.get(user=invited, team=team).role == Role.EDITOR
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
