from decimal import Decimal

from django import forms

from core.errors import DomainError


class DashboardForm(forms.Form):
    """Marks fields with errors `aria-invalid` (Pico CSS draws them red; screen readers say so)."""

    template_name = "dashboard/_form.html"
    error_summary = True  # the errors listed at the top too (short counter forms: False)

    def full_clean(self):
        super().full_clean()
        self.mark_invalid_fields()

    def add_domain_error(self, error: DomainError) -> None:
        """Show a service's refusal on the form: its field messages beside the fields this form
        has, the others (or its summary when it names no field) at the top."""
        for field, messages in error.fields.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        if not error.fields:
            self.add_error(None, str(error.detail))
        self.mark_invalid_fields()

    def mark_invalid_fields(self) -> None:
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"


class YuanField(forms.DecimalField):
    """Typed and shown in yuan ("88.50"), cleaned to integer fen (8850)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal(0))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def prepare_value(self, value):
        if isinstance(value, int):  # an initial value in fen
            return f"{Decimal(value) / 100:.2f}"
        return super().prepare_value(value)

    def clean(self, value):
        yuan = super().clean(value)
        return None if yuan is None else int(yuan * 100)


# A discount input: the share taken off (the API's one convention for discounts);
# dashboard/static/dashboard/discount.js shows beside it the 折 and what a ¥100 order pays.
DISCOUNT = forms.NumberInput(attrs={"inputmode": "numeric", "data-percent-off": ""})
