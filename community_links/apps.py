from django.apps import AppConfig


class CommunityLinksConfig(AppConfig):
    name = "community_links"
    verbose_name = "Community links"
