import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def portal_language():
    """Messages are asserted in Chinese: undo a language another test's request left active in this thread."""
    with translation.override(settings.LANGUAGE_CODE):
        yield
