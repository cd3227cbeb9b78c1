from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from membrane.api.api import api
from membrane.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("confidentialite/", core_views.privacy, name="privacy"),
    path("logo/", core_views.instance_logo, name="instance_logo"),
    path("theme.css", core_views.theme_css, name="theme_css"),
    path("langue/<str:language>/", core_views.switch_language, name="switch_language"),
    path("charte/", include("membrane.charter.urls")),
    path("", include("membrane.accounts.urls")),
    path("", include("membrane.territory.urls")),
    path("", include("membrane.spaces.urls")),
    path("", include("membrane.conversations.urls")),
    path("", include("membrane.conversations.discovery_urls")),
    path("", include("membrane.notifications.urls")),
    path("", include("membrane.moderation.urls")),
    path("", include("membrane.ideas.urls")),
    path("", include("membrane.polls.urls")),
    path("", include("membrane.quizzes.urls")),
    path("", include("membrane.events.urls")),
    path("", include("membrane.campaigns.urls")),
    path("", include("membrane.engagement.urls")),
    path("", include("membrane.insights.urls")),
    path("", include("membrane.security.urls")),
    path("", include("membrane.perf.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
