"""Animators name and remove co-animators of a section; rights flow down the tree."""

import pytest

from membrane.territory.models import Animator

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "expected_status", "appointed"),
    [
        ("anonymous", 302, False),  # to the login page
        ("supporter", 403, False),
        ("member_to_verify", 403, False),
        ("member", 403, False),
        ("outsider_animator", 403, False),
        ("section_animator", 302, True),
        ("federation_animator", 302, True),
        ("staff", 302, True),
    ],
)
def test_who_may_name_a_co_animator(
    request, client, section, member, persona, expected_status, appointed
):
    if persona != "anonymous":
        actor = request.getfixturevalue(persona)
        client.force_login(actor)
    # A member of the section to name (not the actor themselves).
    target = member if persona != "member" else request.getfixturevalue("supporter")

    response = client.post(f"/sections/{section.slug}/animateurs/", {"person": target.pk})

    assert response.status_code == expected_status
    assert Animator.objects.filter(unit=section, user=target).exists() is appointed


def test_only_a_member_of_the_section_can_be_named(
    client, section_animator, section, outsider_animator
):
    client.force_login(section_animator)
    response = client.post(
        f"/sections/{section.slug}/animateurs/", {"person": outsider_animator.pk}, follow=True
    )
    assert "Choose a member of this section." in response.content.decode()
    assert not Animator.objects.filter(unit=section, user=outsider_animator).exists()


def test_a_forged_person_id_is_refused_cleanly(client, section_animator, section):
    client.force_login(section_animator)
    response = client.post(f"/sections/{section.slug}/animateurs/", {"person": "1 OR 1=1"})
    assert response.status_code == 302
    assert Animator.objects.filter(unit=section).count() == 1


def test_a_federation_animator_removes_a_section_animator(
    client, federation_animator, section_animator, section
):
    client.force_login(federation_animator)
    response = client.post(f"/sections/{section.slug}/animateurs/{section_animator.pk}/retirer/")
    assert response.status_code == 302
    assert not Animator.objects.filter(unit=section, user=section_animator).exists()


def test_the_section_page_offers_the_naming_form_only_to_animators(
    client, section_animator, member, section
):
    client.force_login(member)
    assert "appoint-person" not in client.get(f"/sections/{section.slug}/").content.decode()
    client.force_login(section_animator)
    assert "appoint-person" in client.get(f"/sections/{section.slug}/").content.decode()
