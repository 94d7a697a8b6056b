import pytest


@pytest.fixture(autouse=True)
def credit_defaults(request):
    """The default standard and check purposes, even after another test's flush emptied them."""
    names = request.fixturenames
    if "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    else:
        return
    from credit.defaults import ensure_defaults

    ensure_defaults()
