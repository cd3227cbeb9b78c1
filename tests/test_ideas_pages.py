"""The idea pages: "Que sont devenues vos idées ?", a box with its rules, its
ideas and the submit form (similar ideas suggested with and without
JavaScript), opening a box, and an idea with its path, answers, supports and
the accountable people's forms; refusals say why with a 4xx; query counts do
not grow with the number of ideas, supports or steps."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from membrane.ideas.models import Idea, IdeaBox, Status, Support
from membrane.ideas.selectors import MERGE_CANDIDATES
from membrane.ideas.services import (
    box_open,
    idea_answer,
    idea_forward,
    idea_submit,
    support_add,
)
from membrane.notifications.models import Kind, Notification
from membrane.notifications.selectors import target_url
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

REPORT_URL = "/idees/"


@pytest.fixture
def idea(box, member):
    return idea_submit(
        author=member,
        box=box,
        title="Un composteur partagé par quartier",
        description="Des **composteurs** gérés par les habitant·es.",
    )


def box_url(box):
    return f"/idees/{box.space.slug}/"


def idea_url(idea):
    return f"/idees/idee/{idea.pk}/"


def people(section, charter, n):
    return [
        MemberFactory(section=section, charter_version_accepted=charter.number) for _ in range(n)
    ]


def overdue_idea(box, author, section, charter):
    """ "Des bancs", over the box's threshold 40 days ago: its answer is late."""
    late = idea_submit(author=author, box=box, title="Des bancs", description="…")
    long_ago = timezone.now() - timedelta(days=40)
    for person in people(section, charter, 2):
        support_add(user=person, idea=late, now=long_ago)
    return late


def count_queries(client, url):
    client.get(url)  # warm the caches (session, charter)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


# The report ---------------------------------------------------------------------------


def test_the_overall_report_lists_retained_ideas_and_overdue_ones(
    client, idea, box, section, charter, section_animator
):
    overdue_idea(box, section_animator, section, charter)
    idea_answer(by=section_animator, idea=idea, status=Status.RETAINED, text="Oui !")
    client.force_login(section_animator)

    response = client.get(REPORT_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "What became of your ideas?" in html
    assert idea.title in html
    assert "waiting for an answer for 30 days" in html


def test_the_report_hides_the_ideas_of_a_space_from_those_who_may_not_see_it(
    client, idea, section_animator, outsider_animator
):
    idea_answer(by=section_animator, idea=idea, status=Status.RETAINED, text="Oui !")
    client.force_login(outsider_animator)

    html = client.get(REPORT_URL).content.decode()

    assert idea.title not in html
    assert "Section de Bègles" in html  # the box and its figures are public


def test_the_report_is_served_in_french_to_french_speakers(client, box):
    response = client.get(REPORT_URL, headers={"accept-language": "fr"})
    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()


# A box ----------------------------------------------------------------------------------


def test_a_box_lists_its_overdue_ideas_to_those_who_may_see_its_space_only(
    client, box, section, charter, section_animator, outsider_animator
):
    overdue_idea(box, section_animator, section, charter)

    client.force_login(section_animator)
    html = client.get(box_url(box)).content.decode()
    assert "Des bancs" in html
    assert "waiting for an answer for 30 days" in html

    client.force_login(outsider_animator)
    response = client.get(box_url(box))
    assert response.status_code == 200
    assert "Des bancs" not in response.content.decode()


def test_a_box_states_its_rules_and_lists_its_ideas_with_their_supports(client, idea, supporter):
    support_add(user=supporter, idea=idea)
    client.force_login(supporter)

    html = client.get(box_url(idea.box)).content.decode()

    assert "An idea with 2 supports is owed a public answer." in html
    assert "within 10 days" in html
    assert idea.title in html
    assert "1 support" in html


def test_anonymous_visitors_see_the_rules_and_figures_but_not_the_ideas(client, idea):
    response = client.get(box_url(idea.box))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Submit an idea" not in html
    assert "owed a public answer" in html
    assert idea.title not in html


def test_a_box_that_does_not_exist_is_a_404(client, spaces):
    assert client.get(f"/idees/{spaces['section'].slug}/").status_code == 404
    assert client.get("/idees/nowhere/").status_code == 404


def test_a_member_submits_an_idea_and_lands_on_its_page(client, box, member):
    client.force_login(member)

    response = client.post(box_url(box), {"title": "Des jardins", "description": "Partout."})

    idea = Idea.objects.get(title="Des jardins")
    assert response.status_code == 302
    assert response["Location"] == idea_url(idea)


def test_a_submission_with_similar_ideas_asks_for_a_second_look_without_javascript(
    client, idea, supporter
):
    client.force_login(supporter)
    data = {"title": "Composteurs du quartier", "description": "Encore."}

    first = client.post(box_url(idea.box), data)

    assert first.status_code == 200
    assert idea.title in first.content.decode()
    assert "Submit it anyway" in first.content.decode()
    assert 'value="Composteurs du quartier"' in first.content.decode()
    assert Idea.objects.count() == 1

    second = client.post(box_url(idea.box), {**data, "confirmed": "1"})
    assert second.status_code == 302
    assert Idea.objects.count() == 2


def test_similar_ideas_come_as_a_partial_while_typing(client, idea, supporter):
    client.force_login(supporter)
    response = client.get(
        f"{box_url(idea.box)}similaires/", {"title": "composteurs"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert idea.title in html
    assert "<html" not in html


def test_an_invalid_idea_is_refused_with_a_400_keeping_the_text(client, box, member):
    client.force_login(member)

    response = client.post(box_url(box), {"title": "", "description": "Mon texte"})

    assert response.status_code == 400
    assert "Mon texte" in response.content.decode()


def test_an_outsider_cannot_submit_and_keeps_the_text(client, box, outsider_animator):
    client.force_login(outsider_animator)

    response = client.post(box_url(box), {"title": "Hop", "description": "Mon texte"})

    assert response.status_code == 403
    assert "Mon texte" in response.content.decode()
    assert not Idea.objects.exists()


def test_the_box_page_makes_as_many_queries_for_3_ideas_as_for_30(
    client, box, section, charter, member
):
    client.force_login(member)
    crowd = people(section, charter, 3)

    def add(n):
        for i in range(n):
            idea = idea_submit(author=member, box=box, title=f"Idée {i}", description="…")
            for person in crowd:
                support_add(user=person, idea=idea)

    add(3)
    few = count_queries(client, box_url(box))
    add(27)
    many = count_queries(client, box_url(box))
    assert few == many


# Opening a box ----------------------------------------------------------------------------


def test_a_section_animator_opens_the_box_of_their_section(client, spaces, section_animator):
    client.force_login(section_animator)
    url = f"/idees/{spaces['section'].slug}/ouvrir/"

    assert client.get(url).status_code == 200
    response = client.post(
        url, {"is_open": "on", "threshold_supports": "5", "answer_delay_days": "20"}
    )

    assert response.status_code == 302
    box = IdeaBox.objects.get(space=spaces["section"])
    assert (box.threshold_supports, box.answer_delay_days) == (5, 20)


def test_bad_rules_are_refused_with_a_400(client, spaces, section_animator):
    client.force_login(section_animator)
    response = client.post(
        f"/idees/{spaces['section'].slug}/ouvrir/",
        {"threshold_percent": "300", "answer_delay_days": "0"},
    )
    assert response.status_code == 400
    assert not IdeaBox.objects.exists()


@pytest.mark.parametrize("persona", ["member", "outsider_animator"])
def test_others_cannot_open_a_box(client, spaces, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/idees/{spaces['section'].slug}/ouvrir/").status_code == 403


# An idea ----------------------------------------------------------------------------------


def test_the_idea_page_shows_its_path_and_who_answered(client, idea, section_animator, supporter):
    idea_answer(by=section_animator, idea=idea, status=Status.RETAINED, text="Nous le portons.")
    client.force_login(supporter)

    html = client.get(idea_url(idea)).content.decode()

    assert "<strong>composteurs</strong>" in html
    assert "Nous le portons." in html
    assert section_animator.public_name in html
    assert idea.box.space.name in html


def test_the_author_sees_why_they_cannot_support_their_own_idea(client, idea, member):
    client.force_login(member)
    html = client.get(idea_url(idea)).content.decode()
    assert "does not let authors support their own idea" in html


def test_a_supporter_supports_then_withdraws(client, idea, supporter):
    client.force_login(supporter)

    assert client.post(f"{idea_url(idea)}soutien/", {"action": "support"}).status_code == 302
    assert Support.objects.filter(idea=idea, user=supporter).exists()
    assert client.post(f"{idea_url(idea)}soutien/", {"action": "support"}).status_code == 409
    assert client.post(f"{idea_url(idea)}soutien/", {"action": "withdraw"}).status_code == 302
    assert not Support.objects.exists()


def test_an_answer_with_a_status_out_of_the_pipeline_is_a_400_keeping_the_text(
    client, idea, section_animator
):
    client.force_login(section_animator)

    response = client.post(
        f"{idea_url(idea)}repondre/", {"status": Status.IMPLEMENTED, "text": "Mon texte"}
    )

    assert response.status_code == 400
    assert "Mon texte" in response.content.decode()
    assert Idea.objects.get().status == Status.SUBMITTED


def test_a_merge_into_itself_is_refused(client, idea, section_animator):
    client.force_login(section_animator)
    response = client.post(f"{idea_url(idea)}fusionner/", {"into": idea.pk, "text": ""})
    assert response.status_code == 400


def test_the_merge_form_offers_the_closest_ideas_first_and_accepts_any_of_the_box(
    client, idea, box, section_animator
):
    others = [
        idea_submit(author=section_animator, box=box, title=f"Idée n° {n}", description="…")
        for n in range(MERGE_CANDIDATES + 5)
    ]
    twin = idea_submit(
        author=section_animator, box=box, title="Composteur de quartier", description="…"
    )
    client.force_login(section_animator)

    html = client.get(idea_url(idea)).content.decode()
    options = re.findall(r'<option value="(\d+)"', html)
    assert len(options) == MERGE_CANDIDATES
    assert options[0] == str(twin.pk)  # shares "composteur" and "quartier"
    oldest = others[0]
    assert str(oldest.pk) not in options

    # An idea the list did not offer is still accepted (by its number).
    response = client.post(f"{idea_url(idea)}fusionner/", {"into": oldest.pk, "text": ""})
    assert response.status_code == 302
    assert Idea.objects.get(pk=idea.pk).merged_into_id == oldest.pk


def test_the_idea_page_makes_as_many_queries_for_a_box_of_3_ideas_as_of_30(
    client, idea, box, section_animator
):
    client.force_login(section_animator)
    few = count_queries(client, idea_url(idea))
    for n in range(27):
        idea_submit(author=section_animator, box=box, title=f"Idée n° {n}", description="…")
    assert count_queries(client, idea_url(idea)) == few


def test_a_retained_idea_is_sent_up_and_shows_both_steps(client, idea, upper_box, section_animator):
    idea_answer(by=section_animator, idea=idea, status=Status.RETAINED, text="Oui.")
    client.force_login(section_animator)

    response = client.post(f"{idea_url(idea)}faire-monter/")

    assert response.status_code == 302
    html = client.get(idea_url(idea)).content.decode()
    assert upper_box.space.name in html and idea.box.space.name in html


def test_the_idea_page_makes_as_many_queries_for_few_supports_steps_and_answers_as_for_many(
    client, spaces, staff, section, charter, member
):
    """An idea submitted at the national box (1 step, 3 supports, no answer)
    and one come up from the section (3 steps, 30 supports, many answers)."""
    section_box, federation_box, national_box = (
        box_open(space=spaces[level], by=staff, threshold_supports=1)
        for level in ("section", "federation", "national")
    )
    crowd = people(section, charter, 30)
    client.force_login(member)

    def supported(idea, n):
        for person in crowd[:n]:
            support_add(user=person, idea=idea)
        return idea

    few = supported(idea_submit(author=staff, box=national_box, title="T", description="…"), 3)
    many = supported(idea_submit(author=staff, box=section_box, title="T", description="…"), 30)
    for _level in (section_box, federation_box):
        for status in (Status.RETAINED, Status.DECLINED, Status.UNDER_STUDY, Status.RETAINED):
            idea_answer(by=staff, idea=many, status=status, text="Oui.")
        idea_forward(by=staff, idea=many)
    assert many.steps.count() == 3

    assert count_queries(client, idea_url(few)) == count_queries(client, idea_url(many))


def test_an_idea_notification_leads_to_the_idea(
    idea, member, section_animator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        idea_answer(by=section_animator, idea=idea, status=Status.UNDER_STUDY, text="On regarde.")
    notification = Notification.objects.filter(kind=Kind.IDEA_ANSWER, recipient=member).first()
    assert notification is not None
    assert target_url(notification) == reverse("ideas:idea", args=[idea.pk])


# The permission matrix --------------------------------------------------------------------

PERSONAS = [
    "anonymous",
    "supporter",
    "member",
    "section_animator",
    "federation_animator",
    "outsider_animator",
    "staff",
]
ACCOUNTABLE = {"section_animator", "federation_animator", "staff"}
# How the others are refused: anonymous visitors are sent to log in, an
# outsider is not told that the idea exists, the people of the space are told why.
REFUSED = {"anonymous": 302, "outsider_animator": 404, "supporter": 403, "member": 403}


def login_as(client, request, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_support(client, request, persona, box, section_animator):
    idea = idea_submit(author=section_animator, box=box, title="Des bancs", description="…")
    login_as(client, request, persona)

    response = client.post(f"{idea_url(idea)}soutien/", {"action": "support"})

    expected = {
        "anonymous": 302,  # to the login page
        "outsider_animator": 404,  # the idea is not shown outside its space
        "section_animator": 403,  # the author
    }.get(persona, 302)
    assert response.status_code == expected
    assert Support.objects.exists() == (
        persona not in {"anonymous", "outsider_animator", "section_animator"}
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_answer(client, request, persona, idea):
    login_as(client, request, persona)

    response = client.post(
        f"{idea_url(idea)}repondre/", {"status": Status.UNDER_STUDY, "text": "Vu."}
    )

    if persona in ACCOUNTABLE:
        assert response.status_code == 302
        assert Idea.objects.get().status == Status.UNDER_STUDY
    else:
        assert response.status_code == REFUSED[persona]
        assert Idea.objects.get().status == Status.SUBMITTED


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_send_up(client, request, persona, idea, upper_box, section_animator):
    idea_answer(by=section_animator, idea=idea, status=Status.RETAINED, text="Oui.")
    login_as(client, request, persona)

    response = client.post(f"{idea_url(idea)}faire-monter/")

    moved = Idea.objects.get().box_id == upper_box.pk
    assert moved == (persona in ACCOUNTABLE)
    if persona not in ACCOUNTABLE:
        assert response.status_code == REFUSED[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_merge(client, request, persona, idea, box, supporter):
    other = idea_submit(author=supporter, box=box, title="Compost", description="…")
    login_as(client, request, persona)

    response = client.post(f"{idea_url(idea)}fusionner/", {"into": other.pk, "text": ""})

    merged = Idea.objects.get(pk=idea.pk).status == Status.MERGED
    assert merged == (persona in ACCOUNTABLE)
    if persona not in ACCOUNTABLE:
        assert response.status_code == REFUSED[persona]


# Moderation ------------------------------------------------------------------------------


def test_an_idea_is_reported_hidden_in_place_and_its_author_still_reads_it(
    client, idea, member, supporter, section_animator
):
    from membrane.moderation.models import Action, ModerationState, Report
    from membrane.moderation.services import decide

    client.force_login(supporter)
    page = client.get(idea_url(idea)).content.decode()
    report = reverse("moderation:report", args=["idea", idea.pk])
    assert report in page
    response = client.post(report, {"article": "1", "comment": "Hors sujet."})
    assert response.status_code == 302
    assert Report.objects.filter(kind="idea", object_id=idea.pk).exists()

    decide(
        moderator=section_animator,
        content=idea,
        action=Action.HIDE,
        article=1,
        reason="Hors du champ de la boîte.",
    )
    idea.refresh_from_db()
    assert idea.moderation_state == ModerationState.HIDDEN

    page = client.get(idea_url(idea)).content.decode()
    assert "Hidden by moderation — reason: article 1 of the charter" in page
    assert idea.title not in page
    client.force_login(member)
    page = client.get(idea_url(idea)).content.decode()
    assert idea.title in page
    assert "Others see only this notice" in page
    # Hidden ideas leave the box's list for others.
    client.force_login(supporter)
    assert idea.title not in client.get(box_url(idea.box)).content.decode()


def test_the_overall_report_makes_as_many_queries_for_6_boxes_as_for_2(client, supporter, staff):
    from membrane.spaces.models import Space
    from tests.spaces_factories import GroupFactory

    def add_boxes(n):
        for _ in range(n):
            # Private groups: whether the reader may see each one is a question.
            group = GroupFactory(visibility=Space.Visibility.PRIVATE)
            box = box_open(space=group, by=staff, threshold_supports=1, answer_delay_days=1)
            idea = idea_submit(
                author=staff,
                box=box,
                title="Une idée retenue",
                description="…",
                now=timezone.now() - timedelta(days=10),
            )
            support_add(user=supporter, idea=idea, now=timezone.now() - timedelta(days=9))
            idea_answer(by=staff, idea=idea, status=Status.RETAINED, text="Oui.")
            late = idea_submit(
                author=staff,
                box=box,
                title="Une idée en retard",
                description="…",
                now=timezone.now() - timedelta(days=10),
            )
            support_add(user=supporter, idea=late, now=timezone.now() - timedelta(days=9))

    client.force_login(supporter)
    add_boxes(2)
    few = count_queries(client, reverse("ideas:report"))
    add_boxes(4)

    assert count_queries(client, reverse("ideas:report")) == few


# Themes -----------------------------------------------------------------------------------


def test_the_author_chooses_the_themes_of_an_idea(client, box, member, themes):
    client.force_login(member)
    assert 'name="themes"' in client.get(box_url(box)).content.decode()

    response = client.post(
        box_url(box),
        {
            "title": "Des pistes cyclables",
            "description": "Partout.",
            "themes": ["transports", "ecologie"],
        },
    )

    idea = Idea.objects.get(title="Des pistes cyclables")
    assert response.status_code == 302
    assert {t.slug for t in idea.themes.all()} == {"transports", "ecologie"}
    html = client.get(idea_url(idea)).content.decode()
    assert "Transports" in html and "Écologie" in html
    assert f"{box_url(box)}?theme=transports" in html


def test_more_than_three_themes_is_a_400_keeping_the_text(client, box, member, themes):
    client.force_login(member)

    response = client.post(
        box_url(box),
        {"title": "Tout à la fois", "description": "Mon texte", "themes": list(themes)[:4]},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose at most 3 themes." in html
    assert "Mon texte" in html
    assert not Idea.objects.exists()


def test_an_unknown_theme_is_a_400(client, box, member, themes):
    client.force_login(member)
    response = client.post(
        box_url(box), {"title": "Hop", "description": "Mon texte", "themes": ["nulle-part"]}
    )
    assert response.status_code == 400


def test_the_box_lists_the_themes_of_its_ideas_and_filters_by_theme(client, box, member, themes):
    green = idea_submit(
        author=member, box=box, title="Des arbres", description="…", themes=[themes["ecologie"]]
    )
    school = idea_submit(
        author=member,
        box=box,
        title="Une cantine bio",
        description="…",
        themes=[themes["education"], themes["ecologie"]],
    )
    bare = idea_submit(author=member, box=box, title="Sans thème", description="…")
    client.force_login(member)

    everything = client.get(box_url(box)).content.decode()
    filtered = client.get(box_url(box), {"theme": "education"}).content.decode()

    assert all(idea.title in everything for idea in (green, school, bare))
    assert "?theme=education" in everything and "?theme=ecologie" in everything
    assert "?theme=sante" not in everything  # no idea of the box carries it
    assert school.title in filtered
    assert green.title not in filtered and bare.title not in filtered
    assert client.get(box_url(box), {"theme": "nulle-part"}).status_code == 404


def test_the_box_page_makes_as_many_queries_with_themes_for_3_ideas_as_for_30(
    client, box, member, themes
):
    client.force_login(member)
    chosen = list(themes.values())

    def add(n):
        for i in range(n):
            idea_submit(
                author=member, box=box, title=f"Idée {i}", description="…", themes=chosen[:3]
            )

    add(3)
    few = count_queries(client, box_url(box))
    add(27)
    assert count_queries(client, box_url(box)) == few
    assert count_queries(client, f"{box_url(box)}?theme=sante") == count_queries(
        client, f"{box_url(box)}?theme=ecologie"
    )


def test_the_report_lists_the_boxes_fifty_a_page(client, staff, monkeypatch):
    from membrane.ideas import views as ideas_views
    from tests.spaces_factories import GroupFactory

    monkeypatch.setattr(ideas_views, "BOXES_PER_PAGE", 2)
    for name in ("Alpha", "Bravo", "Charlie"):
        box_open(space=GroupFactory(name=f"Groupe {name}"), by=staff)

    first = client.get(REPORT_URL).content.decode()
    second = client.get(REPORT_URL, {"boxes": 2}).content.decode()

    assert "Groupe Alpha" in first and "Groupe Bravo" in first and "Groupe Charlie" not in first
    assert '?boxes=2" rel="next"' in first
    assert "Groupe Charlie" in second and "Groupe Alpha" not in second
    assert '?boxes=1" rel="prev"' in second
    # A hand-edited page number is not an error.
    assert client.get(REPORT_URL, {"boxes": "beaucoup"}).status_code == 200


def test_the_platform_figures_are_kept_a_minute_when_asked(
    client, idea, section_animator, settings
):
    settings.IDEAS_REPORT_CACHE_SECONDS = 60
    client.force_login(section_animator)
    assert idea.title not in client.get(REPORT_URL).content.decode()  # not retained yet
    idea_answer(by=section_animator, idea=idea, status=Status.RETAINED, text="Oui !")
    # Still the figures of a moment ago: the cache holds them.
    assert idea.title not in client.get(REPORT_URL).content.decode()
    settings.IDEAS_REPORT_CACHE_SECONDS = 0
    assert idea.title in client.get(REPORT_URL).content.decode()
