"""The self-report's editable content in the CMS: the service catalogue (translated per
locale), the risk phrases and the consent rules."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from schoolwell.models import Service
from self_report.models import ConsentRule, RiskPhrase


class ServiceViewSet(SnippetViewSet):
    model = Service
    icon = "list-ul"
    menu_label = "Services"
    list_display = ["name", "provided_by", "discipline", "min_grade", "max_grade", "active"]
    list_filter = ["provided_by", "discipline", "active"]
    search_fields = ["name", "description"]
    # The catalogue is the core's (schoolwell.Service); its CMS pages keep their addresses
    # beside the rest of the check-in's content.
    url_namespace = "wagtailsnippets_self_report_service"
    url_prefix = "snippets/self_report/service"


class RiskPhraseViewSet(SnippetViewSet):
    model = RiskPhrase
    icon = "warning"
    menu_label = "Risk phrases"
    list_display = ["phrase", "language"]
    list_filter = ["language"]


class ConsentRuleViewSet(SnippetViewSet):
    model = ConsentRule
    icon = "lock"
    menu_label = "Consent rules"
    list_display = ["service", "district", "min_age_without_consent"]


class SelfReportGroup(SnippetViewSetGroup):
    menu_label = "Student check-in"
    menu_icon = "user"
    items = (ServiceViewSet, RiskPhraseViewSet, ConsentRuleViewSet)


register_snippet(SelfReportGroup)
