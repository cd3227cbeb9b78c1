"""Who may reach what: one line per URL name and per API operation, read by
tests/test_authorization_matrix.py. A URL or operation missing here fails
that suite (deny by default): declare its rule when adding it.

Access classes, for a GET without an object, per persona (what
`test_authorization_matrix.EXPECTED` checks):
- PUBLIC      everyone, signed in or not, gets the page;
- SIGNED_IN   anonymous (and banned: a deactivated account is anonymous) is
              sent to sign in; everyone signed in gets the page (their own);
- ANIMATOR    animators of a territorial unit and staff; others refused;
- FEDERATION  animators of a federation (or of the national level) and staff;
- MODERATOR   whoever moderates somewhere (group moderators, animators) and
              staff; others refused;
- STAFF       staff only;
- REAUTH      signed in and recently re-authenticated (password or TOTP
              again): others are sent to sign in or to re-authenticate;
- REDIRECT    a GET only redirects (language switch);
- POST_ONLY   an action: a GET is refused (405), anonymous is sent to sign in;
- OBJECT      depends on the object: walked in OBJECT_WALKS below, or listed
              in NOT_WALKED with the reason;
- TOKEN       reached by a secret in the URL: a random secret is not found;
- ALLAUTH     django-allauth's own sign-in, sign-up and two-factor pages
              (tested by tests/test_auth.py and the security suites);
- ADMIN       Django's admin: staff only, enforced by the admin site.
"""

PUBLIC = "public"
SIGNED_IN = "signed_in"
ANIMATOR = "animator"
MODERATOR = "moderator"
STAFF = "staff"
FEDERATION = "federation"
POST_ONLY = "post_only"
REAUTH = "reauth"
REDIRECT = "redirect"
OBJECT = "object"
TOKEN = "token"
ALLAUTH = "allauth"
ADMIN = "admin"

PAGES: dict[str, str] = {
    "home": PUBLIC,
    "privacy": PUBLIC,
    "instance_logo": OBJECT,
    "set_language": REDIRECT,
    "theme_css": PUBLIC,
    "switch_language": REDIRECT,
    "perf:bare": PUBLIC,
    "charter:current": PUBLIC,
    "charter:version": OBJECT,
    "charter:accept": SIGNED_IN,
    # accounts
    "accounts:home": SIGNED_IN,
    "accounts:profile_edit": SIGNED_IN,
    "accounts:membership": SIGNED_IN,
    "accounts:data_export": SIGNED_IN,
    "accounts:data_export_download": TOKEN,
    "accounts:delete": REAUTH,
    "accounts:consent_withdraw": REAUTH,
    "accounts:tokens": SIGNED_IN,
    "accounts:token_revoke": POST_ONLY,
    "accounts:membership_queue": ANIMATOR,
    "accounts:membership_verify": POST_ONLY,
    "accounts:profile": OBJECT,
    "accounts:photo": OBJECT,
    "accounts:follow": POST_ONLY,
    "accounts:unfollow": POST_ONLY,
    "accounts:contacts": OBJECT,
    # territory
    "territory:sections": PUBLIC,
    "territory:choose": SIGNED_IN,
    "territory:leave": POST_ONLY,
    "territory:section": OBJECT,
    "territory:join": POST_ONLY,
    "territory:animator_appoint": OBJECT,
    "territory:animator_remove": POST_ONLY,
    "territory:federations": PUBLIC,
    "territory:federation": OBJECT,
    # groups and spaces
    "spaces:groups": PUBLIC,
    "spaces:group_create": SIGNED_IN,
    "spaces:group": OBJECT,
    "spaces:group_edit": OBJECT,
    "spaces:image": OBJECT,
    "spaces:join": POST_ONLY,
    "spaces:request": OBJECT,
    "spaces:leave": POST_ONLY,
    "spaces:members": OBJECT,
    "spaces:invite": OBJECT,
    "spaces:member_role": POST_ONLY,
    "spaces:requests": OBJECT,
    "spaces:request_decide": POST_ONLY,
    "spaces:space": OBJECT,
    # conversations
    "conversations:thread": OBJECT,
    "conversations:thread_create": OBJECT,
    "conversations:mention_suggestions": SIGNED_IN,
    "conversations:reply": OBJECT,
    "conversations:thread_pin": POST_ONLY,
    "conversations:thread_lock": POST_ONLY,
    "conversations:post": OBJECT,
    "conversations:post_edit": OBJECT,
    "conversations:post_history": OBJECT,
    "conversations:post_delete": OBJECT,
    "conversations:react": POST_ONLY,
    "discovery:feed": SIGNED_IN,
    "discovery:search": PUBLIC,
    # notifications
    "notifications:list": SIGNED_IN,
    "notifications:mark_all_read": POST_ONLY,
    "notifications:preferences": SIGNED_IN,
    "notifications:open": OBJECT,
    # moderation
    "moderation:queue": MODERATOR,
    "moderation:log": PUBLIC,
    "moderation:decision": OBJECT,
    "moderation:report": OBJECT,
    "moderation:decide": OBJECT,
    "moderation:appeal": OBJECT,
    "moderation:appeal_decide": OBJECT,
    "moderation:policy": OBJECT,
    "moderation:audit": STAFF,
    # ideas
    "ideas:report": PUBLIC,
    "ideas:idea": OBJECT,
    "ideas:support": POST_ONLY,
    "ideas:answer": OBJECT,
    "ideas:forward": OBJECT,
    "ideas:merge": OBJECT,
    "ideas:comment": POST_ONLY,
    "ideas:box": OBJECT,
    "ideas:similar": OBJECT,
    "ideas:box_edit": OBJECT,
    # polls and quizzes
    "polls:list": OBJECT,
    "polls:create": OBJECT,
    "polls:poll": OBJECT,
    "polls:vote": POST_ONLY,
    "quizzes:list": SIGNED_IN,
    "quizzes:quiz": OBJECT,
    "quizzes:result": OBJECT,
    "quizzes:leaderboard": OBJECT,
    "quizzes:space": OBJECT,
    "quizzes:create": OBJECT,
    "quizzes:edit": OBJECT,
    "quizzes:publish": POST_ONLY,
    "quizzes:question_delete": POST_ONLY,
    # events
    "events:list": PUBLIC,
    "events:mine": SIGNED_IN,
    "events:calendar": SIGNED_IN,
    "events:feed": TOKEN,
    "events:event": OBJECT,
    "events:ics": OBJECT,
    "events:rsvp": POST_ONLY,
    "events:edit": OBJECT,
    "events:cancel": OBJECT,
    "events:attendance": OBJECT,
    "events:space": OBJECT,
    "events:create": OBJECT,
    "events:space_ics": OBJECT,
    # campaigns
    "campaigns:list": SIGNED_IN,
    "campaigns:create": FEDERATION,
    "campaigns:report_delete": POST_ONLY,
    "campaigns:campaign": OBJECT,
    "campaigns:edit": OBJECT,
    "campaigns:report": OBJECT,
    "campaigns:kit_add": POST_ONLY,
    "campaigns:kit_remove": POST_ONLY,
    "campaigns:kit_file": OBJECT,
    # engagement
    "engagement:invitation": TOKEN,
    "engagement:invitations": SIGNED_IN,
    "engagement:points": SIGNED_IN,
    "engagement:ranking_choice": POST_ONLY,
    "engagement:rankings": SIGNED_IN,
    # insights
    "insights:platform": STAFF,
    "insights:platform_export": STAFF,
    "insights:platform_chart": OBJECT,
    "insights:space": OBJECT,
    "insights:export": OBJECT,
    "insights:nudge": POST_ONLY,
    "insights:publish": POST_ONLY,
    "insights:chart": OBJECT,
    # security
    "security:sessions": SIGNED_IN,
    "security:sessions_end_others": POST_ONLY,
    "security:session_end": POST_ONLY,
    "security:audit_log": STAFF,
    # the API's own pages (its operations are in OPERATIONS)
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    "api:api-root": PUBLIC,
}

# django-allauth's pages, by name (its own views and rules).
ALLAUTH_NAMES = frozenset(
    {
        "account_login",
        "account_logout",
        "account_inactive",
        "account_signup",
        "account_reauthenticate",
        "account_email",
        "account_email_verification_sent",
        "account_change_password",
        "account_set_password",
        "account_reset_password",
        "account_confirm_login_code",
        "account_confirm_email",
        "account_reset_password_from_key_done",
        "account_reset_password_from_key",
        "account_reset_password_done",
        "mfa_index",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "mfa_activate_totp",
        "mfa_deactivate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
    }
)

# API operations (operationId without the "membrane_api_" prefix): PUBLIC
# answers without a token; SIGNED_IN needs a token (401 without), and what
# the person then sees is the object rules' (walked in OBJECT_API_WALKS).
_SIGNED_IN_OPERATIONS = """
me_me_detail me_me_update profiles_profile_detail groups_group_index groups_group_new
groups_group_detail groups_group_edit groups_group_join_now groups_group_leave_now
groups_join_request_new groups_join_request_index groups_join_request_accept
groups_join_request_refuse groups_group_member_index threads_space_detail
threads_space_thread_index threads_space_thread_new threads_thread_detail threads_thread_edit
threads_thread_read threads_thread_post_index threads_thread_reply threads_post_update
threads_post_remove threads_post_revision_index threads_post_react
notifications_notification_index notifications_notification_mark_read
notifications_preference_index notifications_preference_update follows_person_follow
follows_person_unfollow follows_person_counts follows_person_contacts feed_feed
search_search_index moderation_moderation_report_new moderation_moderation_report_mine
moderation_moderation_queue moderation_moderation_decision_new
moderation_moderation_decision_detail moderation_moderation_log
moderation_moderation_log_counts moderation_moderation_appeal_new
moderation_moderation_appeal_index moderation_moderation_appeal_decide
moderation_moderation_policy_detail moderation_moderation_policy_edit ideas_box_index
ideas_box_detail ideas_box_ideas ideas_idea_new ideas_box_similar ideas_theme_index
ideas_box_report_view ideas_report_view ideas_idea_detail ideas_idea_support
ideas_idea_unsupport ideas_idea_answer_new ideas_idea_forward_new ideas_idea_merge_new
idea_comments_idea_comment_index idea_comments_idea_comment_new polls_space_poll_index
polls_space_poll_new polls_poll_detail polls_poll_vote quizzes_quiz_index quizzes_quiz_detail
quizzes_attempt_new quizzes_quiz_leaderboard events_event_index events_event_mine
events_event_detail events_event_change events_event_new events_event_cancel_op
events_rsvp_put events_rsvp_delete events_attendee_list events_attendance_put
events_calendar_get events_calendar_reset campaigns_campaign_index campaigns_campaign_detail
campaigns_campaign_rankings campaigns_report_index campaigns_report_new campaigns_report_remove
engagement_my_invitation engagement_my_points engagement_person_badges engagement_rankings
engagement_ranking_choice insights_space_insights insights_platform_insights
insights_space_insights_export security_my_sessions security_my_session_end
"""
OPERATIONS: dict[str, str] = {
    "territory_federation_index": PUBLIC,
    "territory_federation_detail": PUBLIC,
    "territory_section_index": PUBLIC,
    "territory_section_detail": PUBLIC,
    **dict.fromkeys(_SIGNED_IN_OPERATIONS.split(), SIGNED_IN),
}
# API operations that answer without a token too (optional sign-in: what an
# anonymous caller sees is what the public pages show).
OPTIONAL_OPERATIONS = frozenset(
    {
        "groups_group_index",
        "ideas_box_index",
        "ideas_report_view",
        "ideas_theme_index",
        "moderation_moderation_log",
        "moderation_moderation_log_counts",
        "events_event_index",
        "search_search_index",
    }
)
# API operations answering staff only (403 to anyone else with a token).
STAFF_OPERATIONS = frozenset({"insights_platform_insights"})
# API operations answering moderators (of a group, animators) and staff only.
MODERATOR_OPERATIONS = frozenset(
    {"moderation_moderation_queue", "moderation_moderation_appeal_index"}
)
# Query parameters a read needs to be answered at all.
REQUIRED_QUERY = {"search_search_index": {"q": "budget"}}
