import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _language_back():
    """A request in English leaves English active on the test thread (the middleware does not
    put it back): later tests expect the default."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
