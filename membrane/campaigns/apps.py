from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "membrane.campaigns"
    label = "campaigns"
