import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def chinese_by_default():
    """Messages are asserted in Chinese: a test elsewhere that switched the thread to English (the
    core's i18n test leaves it active) must not leak into these."""
    with translation.override(settings.LANGUAGE_CODE):
        yield
