from django.urls import path

from membrane.accounts import consent_views, token_views, views

app_name = "accounts"
urlpatterns = [
    path("compte/", views.account_home, name="home"),
    path("compte/profil/", views.profile_edit, name="profile_edit"),
    path("compte/adhesion/", views.membership_edit, name="membership"),
    path("compte/donnees/", views.data_export, name="data_export"),
    path(
        "compte/donnees/<str:token>/",
        views.data_export_download,
        name="data_export_download",
    ),
    path("compte/supprimer/", views.account_delete_view, name="delete"),
    path(
        "compte/consentement/retirer/",
        consent_views.consent_withdraw_view,
        name="consent_withdraw",
    ),
    path("compte/jetons/", token_views.token_list, name="tokens"),
    path("compte/jetons/<int:token_id>/revoquer/", token_views.token_revoke, name="token_revoke"),
    path("adhesions/", views.membership_queue, name="membership_queue"),
    path(
        "adhesions/<int:person_id>/verifier/",
        views.membership_verify_view,
        name="membership_verify",
    ),
    path("membres/<int:person_id>/", views.profile_detail, name="profile"),
    path("membres/<int:person_id>/photo/", views.profile_photo, name="photo"),
    path("membres/<int:person_id>/suivre/", views.follow_view, name="follow"),
    path("membres/<int:person_id>/ne-plus-suivre/", views.unfollow_view, name="unfollow"),
    path("membres/<int:person_id>/contacts/", views.contact_list, name="contacts"),
]
