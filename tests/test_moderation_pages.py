"""The pages of moderation: the queue, reporting, deciding, a decision's
page, appealing and deciding appeals, a space's rules, the public log and
the audit; the notifications of moderation, the admin; bad input (4xx with
the reason, what was typed kept) and pinned numbers of queries."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from membrane.accounts.models import ProfileVisibility
from membrane.core.models import OutgoingEmail
from membrane.moderation.models import (
    Action,
    Appeal,
    AuditEntry,
    Decision,
    ModerationState,
    Report,
    SpacePolicy,
)
from membrane.moderation.services import (
    REPORTS_PER_HOUR,
    appeal_create,
    appeal_decide,
    decide,
    hold_if_guarded,
)
from membrane.notifications.models import Kind, Notification
from membrane.notifications.services import notify
from membrane.spaces.services import territorial_space_ensure
from tests.moderation_factories import REASON, group_with, hide, person, reply_in, report
from tests.spaces_factories import MembershipFactory, PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("moderation:queue")
LOG_URL = reverse("moderation:log")
AUDIT_URL = reverse("moderation:audit")
SECRET = "Texte vif xq7 à ne jamais montrer"
COMMENT = "Signalement motivé zr9"


@pytest.fixture
def moderator(charter):
    return person(charter, display_name="Modératrice Ardente")


@pytest.fixture
def second_moderator(charter):
    return person(charter, display_name="Modérateur Second")


@pytest.fixture
def author(charter):
    return person(charter, display_name="Auteur Vif")


@pytest.fixture
def group(moderator, second_moderator, author, supporter):
    group = group_with(moderator=moderator, animator=second_moderator, name="Services publics")
    MembershipFactory(space=group, user=author)
    MembershipFactory(space=group, user=supporter)
    return group


@pytest.fixture
def reply(group, author):
    return reply_in(group, author=author, body=SECRET)


@pytest.fixture
def hidden(supporter, moderator, reply):
    """The reply, reported by the supporter and hidden by the moderator."""
    report(supporter, reply, comment=COMMENT)
    return hide(moderator, reply)


def report_url(content, kind="post"):
    return reverse("moderation:report", args=[kind, content.pk])


def decide_url(content, kind="post"):
    return reverse("moderation:decide", args=[kind, content.pk])


def decision_url(decision):
    return reverse("moderation:decision", args=[decision.pk])


def signed_in(client, someone):
    client.force_login(someone)
    return client


def count_queries(client, url, **kwargs):
    client.get(url, **kwargs)  # warm the caches (session, charter, content types)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return len(context.captured_queries)


# The queue


def test_the_queue_puts_the_most_reported_first_then_the_oldest(
    client, moderator, group, author, supporter, member, charter
):
    older = reply_in(group, author=author, body="Le plus ancien")
    most = reply_in(group, author=author, body="Le plus signalé")
    newer = reply_in(group, author=author, body="Le plus récent")
    report(supporter, older)
    report(supporter, most)
    report(member, most)
    report(supporter, newer)
    Report.objects.filter(object_id=newer.pk).update(created_at=timezone.now() + timedelta(1))

    text = signed_in(client, moderator).get(QUEUE_URL).text

    assert (
        text.index("Le plus signalé") < text.index("Le plus ancien") < text.index("Le plus récent")
    )
    assert "3 contents to look at" in text


def test_the_queue_shows_the_reports_articles_comments_and_reporters(
    client, moderator, supporter, member, reply
):
    report(supporter, reply, comment=COMMENT)
    report(member, reply, article=2)

    text = signed_in(client, moderator).get(QUEUE_URL).text

    assert SECRET in text
    assert "2 reports" in text
    assert "Article 1</a> — Respect" in text and "Article 2</a> — Pluralisme" in text
    assert COMMENT in text
    assert supporter.public_name in text and member.public_name in text
    assert decide_url(reply) in text


def test_the_queue_says_why_a_guard_held_a_message(client, moderator, author, group):
    SpacePolicy.objects.create(space=group, premoderation=True)
    held = PostFactory(thread__space=group, author=author, body="Mon premier message")
    hold_if_guarded(content=held, author=author, space=group, body=held.body)

    text = signed_in(client, moderator).get(QUEUE_URL).text

    assert "Mon premier message" in text
    assert "Pre-moderation" in text and "held for review" in text


def test_the_queue_filters_by_space(client, staff, group, author, supporter, section, member):
    report(supporter, reply_in(group, author=author, body="Dans le groupe"))
    section_space = territorial_space_ensure(section)
    report(supporter, reply_in(section_space, author=member, body="Dans la section"))
    signed_in(client, staff)

    everything = client.get(QUEUE_URL).text
    only_group = client.get(QUEUE_URL, {"space": group.slug}).text

    assert "Dans le groupe" in everything and "Dans la section" in everything
    assert "Dans le groupe" in only_group and "Dans la section" not in only_group
    assert f'<option value="{group.slug}" selected>' in only_group
    assert reverse("moderation:policy", args=[group.slug]) in only_group


def test_the_queue_refuses_a_space_one_does_not_moderate(client, moderator, group, section):
    space = territorial_space_ensure(section)
    signed_in(client, moderator)

    assert client.get(QUEUE_URL, {"space": "nulle-part"}).status_code == 404
    refused = client.get(QUEUE_URL, {"space": space.slug})
    assert refused.status_code == 403
    assert "You do not moderate" in refused.text


def test_the_queue_lists_the_appeals_another_moderator_may_decide(
    client, moderator, second_moderator, author, hidden
):
    appeal_create(author=author, decision=hidden, text="C'était de l'ironie, relisez.")

    theirs = signed_in(client, second_moderator).get(QUEUE_URL).text
    mine = signed_in(client, moderator).get(QUEUE_URL).text

    assert "C&#x27;était de l&#x27;ironie, relisez." in theirs
    assert reverse("moderation:appeal_decide", args=[hidden.appeal.pk]) in theirs
    assert "No appeal waits for you." in mine


def test_the_queue_costs_the_same_queries_for_3_or_30_contents(
    client, staff, group, author, supporter, charter
):
    def fill(count):
        for _ in range(count):
            reply = reply_in(group, author=author)
            report(person(charter), reply, comment=COMMENT)
            report(person(charter), reply, article=2)

    signed_in(client, staff)
    fill(3)
    few = count_queries(client, QUEUE_URL)
    fill(12)
    many = count_queries(client, QUEUE_URL)

    assert few == many


# Reporting


def test_the_report_form_offers_the_charters_articles(client, supporter, reply):
    response = signed_in(client, supporter).get(report_url(reply))

    assert response.status_code == 200
    assert '<option value="1">Article 1 — Respect</option>' in response.text
    assert '<option value="2">Article 2 — Pluralisme</option>' in response.text
    assert SECRET in response.text  # what is being reported


def test_reporting_thanks_and_leads_back_to_the_content(client, supporter, reply):
    response = signed_in(client, supporter).post(
        report_url(reply), {"article": "2", "comment": COMMENT}, follow=True
    )

    assert response.redirect_chain[0][0] == reverse("conversations:post", args=[reply.pk])
    assert "Thanks, moderators will look at it; you&#x27;ll be told the outcome." in response.text
    saved = Report.objects.get()
    assert (saved.reporter, saved.article, saved.comment) == (supporter, 2, COMMENT)


def test_reporting_twice_is_a_409_and_keeps_the_text(client, supporter, reply):
    report(supporter, reply)

    response = signed_in(client, supporter).post(
        report_url(reply), {"article": "1", "comment": COMMENT}
    )

    assert response.status_code == 409
    assert "You have already reported this" in response.text
    assert COMMENT in response.text
    assert Report.objects.count() == 1


def test_reporting_too_often_is_a_429_and_keeps_the_text(client, supporter, group, author):
    for _ in range(REPORTS_PER_HOUR):
        report(supporter, reply_in(group, author=author))

    response = signed_in(client, supporter).post(
        report_url(reply_in(group, author=author)), {"article": "1", "comment": COMMENT}
    )

    assert response.status_code == 429
    assert "try again later" in response.text
    assert COMMENT in response.text


@pytest.mark.parametrize(
    ("article", "message"),
    [
        ("", "Name the article of the charter concerned."),
        ("9", "Choose one of the articles of the charter."),
        ("un", "Choose one of the articles of the charter."),
    ],
)
def test_a_report_needs_an_article_of_the_charter(client, supporter, reply, article, message):
    response = signed_in(client, supporter).post(
        report_url(reply), {"article": article, "comment": COMMENT}
    )

    assert response.status_code == 400
    assert message in response.text
    assert COMMENT in response.text
    assert not Report.objects.exists()


def test_a_too_long_comment_is_refused_and_kept(client, supporter, reply):
    comment = "Trop long. " * 100

    response = signed_in(client, supporter).post(
        report_url(reply), {"article": "1", "comment": comment}
    )

    assert response.status_code == 400
    assert "At most 1000 characters" in response.text
    assert comment.strip() in response.text


@pytest.mark.parametrize(
    ("kind", "object_id"), [("idea", 1), ("post", 999_999), ("post", 0), ("post", 10**22)]
)
def test_reporting_an_unknown_content_is_a_404(client, supporter, reply, kind, object_id):
    url = reverse("moderation:report", args=[kind, object_id])

    assert signed_in(client, supporter).get(url).status_code == 404


def test_reporting_content_one_cannot_see_is_a_404(client, outsider_animator, member, section):
    private = reply_in(territorial_space_ensure(section), author=member)

    response = signed_in(client, outsider_animator).post(report_url(private), {"article": "1"})

    assert response.status_code == 404
    assert not Report.objects.exists()


def test_reporting_a_profile_leads_back_to_it(client, supporter, author):
    response = signed_in(client, supporter).post(report_url(author, "profile"), {"article": "1"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile", args=[author.pk])
    assert Report.objects.get().kind == "profile"


def test_reporting_asks_to_sign_in(client, reply):
    response = client.get(report_url(reply))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# Deciding


def test_the_decision_page_shows_the_content_in_full_and_its_open_reports(
    client, moderator, supporter, reply
):
    report(supporter, reply, comment=COMMENT)

    text = signed_in(client, moderator).get(decide_url(reply)).text

    assert f"<p>{SECRET}</p>" in text
    assert supporter.public_name in text and COMMENT in text
    assert "Hide the content, with its reason in place" in text
    assert "Ban the author from the platform" not in text  # staff only
    assert "Restore the content" not in text  # it is not hidden


def test_a_hidden_content_is_shown_in_full_to_moderators_with_restore_offered(
    client, second_moderator, hidden, reply
):
    text = signed_in(client, second_moderator).get(decide_url(reply)).text

    assert SECRET in text
    assert "Hidden by moderation — reason: article 1 of the charter" in text
    assert "Restore the content" in text
    assert "Hide the content" not in text
    assert decision_url(hidden) in text  # its history


def test_hiding_from_the_decision_page(client, moderator, supporter, reply):
    report(supporter, reply)

    response = signed_in(client, moderator).post(
        decide_url(reply), {"action": "hide", "article": "2", "reason": REASON}, follow=True
    )

    assert response.redirect_chain[-1][0] == QUEUE_URL
    assert "Decision recorded: hidden." in response.text
    reply.refresh_from_db()
    assert (reply.moderation_state, reply.moderation_article) == (ModerationState.HIDDEN, 2)
    assert "Nothing to look at" in response.text


def test_muting_from_the_decision_page(client, moderator, author, group, reply):
    signed_in(client, moderator).post(
        decide_url(reply), {"action": "mute", "article": "1", "reason": REASON, "mute_days": "3"}
    )

    decision = Decision.objects.get()
    assert decision.action == Action.MUTE
    assert decision.until is not None
    assert author.moderation_mutes.get().space == group


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "hide", "article": "", "reason": REASON}, "Name the article of the charter"),
        ({"action": "hide", "article": "9", "reason": REASON}, "Choose one of the articles"),
        ({"action": "hide", "article": "1", "reason": "   "}, "Give a short public reason"),
        ({"action": "erase", "article": "1", "reason": REASON}, "not open to you"),
        ({"article": "1", "reason": REASON}, "Choose a decision."),
        (
            {"action": "mute", "article": "1", "reason": REASON, "mute_days": ""},
            "A mute lasts from 1 to 365 days.",
        ),
        (
            {"action": "mute", "article": "1", "reason": REASON, "mute_days": "400"},
            "less than or equal to 365",
        ),
    ],
)
def test_a_bad_decision_is_a_400_that_keeps_the_reason(client, moderator, reply, data, message):
    response = signed_in(client, moderator).post(decide_url(reply), data)

    assert response.status_code == 400
    assert message in response.text
    if data["reason"].strip():
        assert REASON in response.text
    assert not Decision.objects.exists()


def test_staff_ban_from_the_decision_page(client, staff, author, reply):
    signed_in(client, staff).post(
        decide_url(reply), {"action": "ban", "article": "1", "reason": REASON}
    )

    author.refresh_from_db()
    assert author.is_active is False


def test_deciding_on_an_unknown_content_is_a_404(client, moderator):
    url = reverse("moderation:decide", args=["post", 999_999])

    assert signed_in(client, moderator).get(url).status_code == 404


def test_deciding_outside_ones_spaces_is_a_403_that_keeps_the_reason(
    client, moderator, member, charter
):
    other = group_with(name="Autre groupe")
    post = reply_in(other, author=member)

    response = signed_in(client, moderator).post(
        decide_url(post), {"action": "hide", "article": "1", "reason": REASON}
    )

    assert response.status_code == 403
    assert "Only the moderators of “Autre groupe”" in response.text
    assert REASON in response.text


# A decision's page and appeals


def test_the_public_decision_page_says_what_and_why_but_not_who_nor_the_content(
    client, hidden, supporter, author, moderator
):
    text = client.get(decision_url(hidden)).text

    assert "Services publics" in text and "Reply" in text and "Hidden" in text
    assert "Article 1</a> — Respect" in text and REASON in text
    for secret in (SECRET, COMMENT, supporter.public_name, author.public_name):
        assert secret not in text
    assert "Appeal this decision" not in text


def test_the_author_sees_the_reason_in_place_and_may_appeal(client, author, hidden):
    text = signed_in(client, author).get(decision_url(hidden)).text

    assert "Hidden by moderation — reason: article 1 of the charter" in text
    assert SECRET in text  # their own content
    assert reverse("moderation:appeal", args=[hidden.pk]) in text


def test_an_unknown_decision_is_a_404(client):
    assert client.get(reverse("moderation:decision", args=[999_999])).status_code == 404


def test_appealing_sends_the_text_and_leads_back_to_the_decision(client, author, hidden):
    response = signed_in(client, author).post(
        reverse("moderation:appeal", args=[hidden.pk]),
        {"text": "C'était de l'ironie."},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == decision_url(hidden)
    assert "Your appeal is sent" in response.text
    assert "Waiting for a decision" in response.text
    assert "Appeal this decision" not in response.text
    appeal = Appeal.objects.get()
    assert (appeal.author, appeal.text, appeal.decision) == (author, "C'était de l'ironie.", hidden)


def test_an_empty_or_too_long_appeal_is_a_400_that_keeps_the_text(client, author, hidden):
    signed_in(client, author)
    url = reverse("moderation:appeal", args=[hidden.pk])

    empty = client.post(url, {"text": "   "})
    long_text = "Je conteste. " * 300
    too_long = client.post(url, {"text": long_text})

    assert empty.status_code == too_long.status_code == 400
    assert "why the decision should change" in empty.text
    assert "At most 3000 characters" in too_long.text and long_text.strip() in too_long.text
    assert not Appeal.objects.exists()


def test_appealing_twice_is_a_409(client, author, hidden):
    appeal_create(author=author, decision=hidden, text="Première fois.")

    response = signed_in(client, author).post(
        reverse("moderation:appeal", args=[hidden.pk]), {"text": "Seconde fois."}
    )

    assert response.status_code == 409
    assert "already appealed" in response.text
    assert "Seconde fois." in response.text


def test_a_dismissal_cannot_be_appealed(client, author, moderator, reply):
    dismissal = decide(
        moderator=moderator, content=reply, action=Action.DISMISS, article=None, reason="Rien."
    )

    response = signed_in(client, author).get(reverse("moderation:appeal", args=[dismissal.pk]))

    assert response.status_code == 403
    assert "can be appealed" in response.text


def test_overturning_an_appeal_restores_and_both_decisions_are_in_the_log(
    client, second_moderator, moderator, author, hidden, reply, django_capture_on_commit_callbacks
):
    appeal = appeal_create(author=author, decision=hidden, text="Ironie.")

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(client, second_moderator).post(
            reverse("moderation:appeal_decide", args=[appeal.pk]),
            {"outcome": "overturn", "answer": "Ironie manifeste."},
        )

    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.moderation_state == ModerationState.VISIBLE
    log = client.get(LOG_URL).text
    assert "2 decisions" in log
    assert "Restored" in log and "on appeal" in log
    assert "Decision overturned — Ironie manifeste." in log
    told = Notification.objects.filter(kind=Kind.APPEAL_DECIDED)
    assert set(told.values_list("recipient", flat=True)) == {author.pk, moderator.pk}


def test_the_first_moderator_cannot_decide_the_appeal(client, moderator, author, hidden):
    appeal = appeal_create(author=author, decision=hidden, text="Ironie.")

    response = signed_in(client, moderator).post(
        reverse("moderation:appeal_decide", args=[appeal.pk]),
        {"outcome": "overturn", "answer": "Je me déjuge."},
    )

    assert response.status_code == 403
    assert "another moderator decides the appeal" in response.text
    assert "Je me déjuge." in response.text


def test_an_appeal_is_decided_once(client, second_moderator, staff, author, hidden):
    appeal = appeal_create(author=author, decision=hidden, text="Ironie.")
    appeal_decide(moderator=staff, appeal=appeal, overturn=False, answer="Maintenu.")

    response = signed_in(client, second_moderator).post(
        reverse("moderation:appeal_decide", args=[appeal.pk]),
        {"outcome": "overturn", "answer": "Trop tard."},
    )

    assert response.status_code == 409
    assert "already been decided" in response.text


def test_an_appeal_decision_needs_an_outcome_and_an_answer(
    client, second_moderator, author, hidden
):
    appeal = appeal_create(author=author, decision=hidden, text="Ironie.")
    url = reverse("moderation:appeal_decide", args=[appeal.pk])
    signed_in(client, second_moderator)

    no_outcome = client.post(url, {"answer": "Réponse gardée."})
    no_answer = client.post(url, {"outcome": "uphold", "answer": ""})

    assert no_outcome.status_code == no_answer.status_code == 400
    assert "Choose to uphold or to overturn" in no_outcome.text
    assert "Réponse gardée." in no_outcome.text
    assert "Give a short public answer" in no_answer.text
    assert Appeal.objects.get().status == Appeal.Status.PENDING


def test_an_unknown_appeal_is_a_404(client, staff):
    url = reverse("moderation:appeal_decide", args=[999_999])

    assert signed_in(client, staff).get(url).status_code == 404


# A space's rules


def test_the_rules_page_shows_the_defaults_and_saves_through_the_service(client, moderator, group):
    url = reverse("moderation:policy", args=[group.slug])
    signed_in(client, moderator)

    page = client.get(url)
    response = client.post(
        url, {"newcomer_guard": "on", "posts_per_hour": "5", "link_guard": "on"}, follow=True
    )

    assert 'name="posts_per_hour" value="20"' in page.text
    assert "The moderation rules of this space are saved." in response.text
    policy = SpacePolicy.objects.get(space=group)
    assert (policy.premoderation, policy.newcomer_guard, policy.posts_per_hour) == (False, True, 5)
    assert AuditEntry.objects.get(verb="policy:update").actor == moderator


@pytest.mark.parametrize("value", ["beaucoup", "-1", "5000", ""])
def test_a_bad_rate_is_a_400_that_keeps_the_other_choices(client, moderator, group, value):
    response = signed_in(client, moderator).post(
        reverse("moderation:policy", args=[group.slug]),
        {"premoderation": "on", "posts_per_hour": value},
    )

    assert response.status_code == 400
    assert 'id="id_premoderation" checked' in response.text
    assert not SpacePolicy.objects.exists()


def test_the_rules_of_an_unknown_space_are_a_404(client, moderator):
    url = reverse("moderation:policy", args=["nulle-part"])

    assert signed_in(client, moderator).get(url).status_code == 404


# The public log


def test_the_log_shows_every_decision_without_reporters_content_nor_author(
    client, hidden, supporter, author, moderator
):
    text = client.get(LOG_URL).text

    assert "1 decision" in text
    assert "Services publics" in text and "Reply" in text and "Hidden" in text
    assert "Article 1</a> — Respect" in text and REASON in text
    assert decision_url(hidden) in text
    for secret in (
        SECRET,
        COMMENT,
        supporter.public_name,
        author.public_name,
        moderator.public_name,
    ):
        assert secret not in text


def test_the_log_filters_by_space_article_decision_and_kind(
    client, moderator, staff, group, author, charter
):
    other = group_with(moderator=moderator, name="Écologie populaire")
    decide(
        moderator=moderator,
        content=reply_in(group, author=author),
        action=Action.WARN,
        article=1,
        reason="Avertissement groupe.",
    )
    hide(moderator, reply_in(other, author=author), article=2, reason="Masqué écologie.")
    decide(
        moderator=staff,
        content=person(charter, profile_visibility=ProfileVisibility.PUBLIC),
        action=Action.HIDE,
        article=2,
        reason="Profil masqué.",
    )
    reasons = ("Avertissement groupe.", "Masqué écologie.", "Profil masqué.")

    def shown(**params):
        response = client.get(LOG_URL, params)
        assert response.status_code == 200
        return {reason for reason in reasons if reason in response.text}

    assert shown() == set(reasons)
    assert shown(space=other.slug) == {"Masqué écologie."}
    assert shown(article="2") == {"Masqué écologie.", "Profil masqué."}
    assert shown(decision="warn") == {"Avertissement groupe."}
    assert shown(kind="profile") == {"Profil masqué."}
    assert shown(article="2", kind="post") == {"Masqué écologie."}


def test_the_log_counts_decisions_per_space_and_per_article(client, moderator, group, author):
    for article in (1, 1, 2):
        hide(moderator, reply_in(group, author=author), article=article)

    response = client.get(LOG_URL)

    counts = response.context["counts"]
    assert [(row["space__name"], row["count"]) for row in counts["spaces"]] == [
        ("Services publics", 3)
    ]
    assert [(row["article"], row["count"]) for row in counts["articles"]] == [(1, 2), (2, 1)]
    assert f'href="?space={group.slug}"' in response.text
    assert 'href="?article=2"' in response.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"space": "nulle-part"}, "No decision concerns a space at this address."),
        ({"article": "un"}, "Choose one of the articles of the charter."),
        ({"decision": "erase"}, "Choose one of the decisions of the list."),
        ({"kind": "poem"}, "Choose one of the kinds of content of the list."),
    ],
)
def test_a_bad_filter_is_a_400_with_the_reason_and_the_whole_log(client, hidden, params, message):
    response = client.get(LOG_URL, params)

    assert response.status_code == 400
    assert message in response.text
    assert REASON in response.text
    # The links of the counts do not carry the bad filter.
    assert 'href="?article=1"' in response.text


def test_the_log_is_paginated_and_its_pages_keep_the_filters(client, moderator, group, author):
    for _ in range(51):
        hide(moderator, reply_in(group, author=author), reason="Lot de décisions.")

    first = client.get(LOG_URL, {"decision": "hide"})
    second = client.get(LOG_URL, {"decision": "hide", "page": "2"})

    assert "51 decisions" in first.text
    assert "Page 1 of 2" in first.text
    assert 'href="?decision=hide&amp;page=2"' in first.text
    assert second.text.count("Lot de décisions.") == 1


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_the_log_costs_the_same_queries_for_3_or_30_decisions(
    client, moderator, staff, group, author, charter, who
):
    if who == "staff":
        signed_in(client, staff)

    def decide_on(count):
        for number in range(count):
            post = reply_in(group_with(name=f"Groupe {number} {count}"), author=author)
            decision = hide(staff, post, article=1 + number % 2)
            if number % 3 == 0:
                appeal = appeal_create(author=author, decision=decision, text="Recours.")
                appeal_decide(
                    moderator=moderator, appeal=appeal, overturn=number % 2 == 0, answer="Vu."
                )

    decide_on(3)
    few = count_queries(client, LOG_URL)
    decide_on(27)
    many = count_queries(client, LOG_URL)

    assert Decision.objects.count() > 30
    assert few == many


# The audit


def test_staff_read_the_audit_trail_paginated(client, staff, hidden, moderator):
    for _ in range(60):
        AuditEntry.objects.create(actor=moderator, verb="policy:update")

    response = signed_in(client, staff).get(AUDIT_URL)

    assert response.status_code == 200
    assert "decision:hide" not in response.text  # the oldest, on page 2
    assert "Page 1 of 2" in response.text
    assert "decision:hide" in client.get(AUDIT_URL, {"page": "2"}).text
    assert moderator.public_name in response.text


# Notifications


def test_the_four_moderation_notifications_have_sentences_and_lead_to_the_decision(
    client, author, hidden
):
    for kind in (Kind.MODERATION, Kind.REPORT_OUTCOME, Kind.APPEAL, Kind.APPEAL_DECIDED):
        notify(recipients=[author], kind=kind, decision=hidden)

    text = signed_in(client, author).get(reverse("notifications:list")).text

    assert "A moderation decision about your content (reply): hidden" in text
    assert "The moderators decided on what you reported (reply): hidden" in text
    assert "An appeal against a moderation decision (hidden) waits for your decision" in text
    assert "is rejected: the decision stands" in text  # not overturned
    assert SECRET not in text
    notification = Notification.objects.filter(recipient=author).first()
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == decision_url(hidden)


def test_an_overturned_appeal_is_said_so(client, author, hidden, second_moderator):
    appeal = appeal_create(author=author, decision=hidden, text="Ironie.")
    appeal_decide(moderator=second_moderator, appeal=appeal, overturn=True, answer="Soit.")
    notify(recipients=[author], kind=Kind.APPEAL_DECIDED, decision=hidden)

    text = signed_in(client, author).get(reverse("notifications:list")).text

    assert "is accepted: the decision is overturned" in text


@pytest.mark.parametrize(("overturn", "said"), [(True, "est accepté"), (False, "est rejeté")])
def test_the_appeal_email_gives_the_outcome_and_the_answer(
    author, moderator, hidden, second_moderator, django_capture_on_commit_callbacks, overturn, said
):
    appeal = appeal_create(author=author, decision=hidden, text="Ironie.")
    # As the page does: the appeal loaded with its decision, the decision with its appeal.
    appeal = Appeal.objects.select_related("decision__appeal").get(pk=appeal.pk)

    with django_capture_on_commit_callbacks(execute=True):
        appeal_decide(
            moderator=second_moderator, appeal=appeal, overturn=overturn, answer="Relu à froid."
        )

    for recipient in (author, moderator):
        email = OutgoingEmail.objects.get(to=recipient.email, purpose="notification:appeal_decided")
        assert said in email.subject
        assert "Relu à froid." in email.body_text


def test_the_moderation_email_links_to_the_decision_and_gives_the_reason(
    author, supporter, moderator, reply, django_capture_on_commit_callbacks
):
    report(supporter, reply)

    with django_capture_on_commit_callbacks(execute=True):
        decision = hide(moderator, reply, reason="Propos injurieux, d'après l'article 1.")

    email = OutgoingEmail.objects.get(to=author.email)
    assert decision_url(decision) in email.body_text
    assert "Propos injurieux, d'après l'article 1." in email.body_text
    assert SECRET not in email.body_text
    assert not mail.outbox or all(SECRET not in message.body for message in mail.outbox)


# Held content and the admin


def test_a_held_thread_is_shown_to_moderators_with_its_opening_message(
    client, moderator, author, group
):
    thread = ThreadFactory(space=group, author=author, title="Un fil retenu")
    PostFactory(thread=thread, author=author, body_html="<p>Message d'ouverture</p>")
    SpacePolicy.objects.create(space=group, premoderation=True)
    assert hold_if_guarded(content=thread, author=author, space=group, body="")

    text = signed_in(client, moderator).get(decide_url(thread, "thread")).text

    assert "Un fil retenu" in text and "<p>Message d'ouverture</p>" in text
    assert "Held for review" in text
    assert "Approve: the content is published" in text
    assert "Dismiss the reports" not in text


@pytest.fixture
def admin_client(client, charter):
    client.force_login(person(charter, is_staff=True, is_superuser=True))
    return client


def test_staff_find_moderation_records_in_the_admin(admin_client, hidden, author):
    appeal_create(author=author, decision=hidden, text="Ironie.")
    names = ["report", "decision", "appeal", "mute", "spacepolicy", "auditentry"]

    for name in names:
        response = admin_client.get(reverse(f"admin:moderation_{name}_changelist"), {"q": "a"})
        assert response.status_code == 200, name
    assert admin_client.get(reverse("admin:moderation_decision_add")).status_code == 403
    change = admin_client.get(reverse("admin:moderation_decision_change", args=[hidden.pk]))
    assert change.status_code == 200
    assert 'name="reason"' not in change.text  # read-only


def test_a_policy_edited_in_the_admin_goes_through_the_service(admin_client, group):
    response = admin_client.post(
        reverse("admin:moderation_spacepolicy_add"),
        {"space": group.pk, "premoderation": "on", "posts_per_hour": "3", "link_guard": "on"},
    )

    assert response.status_code == 302
    policy = SpacePolicy.objects.get()
    assert (policy.space, policy.premoderation, policy.posts_per_hour) == (group, True, 3)
    assert AuditEntry.objects.filter(verb="policy:update").exists()
