from django import forms
from django.utils.translation import gettext_lazy as _

from membrane.security.models import AuditAction


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor (email, name or id)"), required=False, max_length=120)
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("All actions")), *AuditAction.choices],
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
