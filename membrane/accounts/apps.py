from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "membrane.accounts"
    label = "accounts"
