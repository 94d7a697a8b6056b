"""Behind the TLS proxy every request comes from the proxy's address. The lockout must still tell a
stranger from the village secretary, by the address the proxy saw — not one the stranger writes."""
from django.test import Client, override_settings

from governance.settings import client_address_settings

PROXY = "10.0.0.1"
ATTACKER = "203.0.113.9"
SECRETARY = "198.51.100.7"


def through_proxy(client_address, forged=""):
    """A browser behind our one proxy, which appends the address it saw to X-Forwarded-For."""
    header = f"{forged}, {client_address}" if forged else client_address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=header)


def fail_five_times(client):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "village_secretary_a1", "password": "wrong"})


def login(client):
    return client.post("/accounts/login/", {"username": "village_secretary_a1", "password": "pw-test-1234"})


@override_settings(**client_address_settings(1))
def test_a_strangers_five_failures_do_not_lock_the_secretary_out_behind_the_proxy(personas):
    attacker = through_proxy(ATTACKER)
    fail_five_times(attacker)
    assert login(attacker).status_code == 429  # the stranger's own address is locked …
    assert login(through_proxy(SECRETARY)).status_code == 302  # … the secretary's is not


@override_settings(**client_address_settings(1))
def test_a_forged_forwarded_for_cannot_choose_the_address_that_gets_locked(personas):
    # The stranger writes the secretary's address where a naive reader takes the client from.
    attacker = through_proxy(ATTACKER, forged=SECRETARY)
    fail_five_times(attacker)
    assert login(through_proxy(SECRETARY)).status_code == 302
    assert login(through_proxy(ATTACKER)).status_code == 429  # locked where the proxy saw them


@override_settings(**client_address_settings(1))
def test_the_api_token_endpoint_reads_the_same_address(personas):
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{SECRETARY}, {ATTACKER}")
    for _ in range(5):
        attacker.post("/api/v1/auth/token/", {"username": "village_secretary_a1", "password": "wrong"},
                      content_type="application/json")
    assert login(through_proxy(ATTACKER)).status_code == 429
    assert login(through_proxy(SECRETARY)).status_code == 302


@override_settings(**client_address_settings(0))
def test_without_a_proxy_a_client_written_forwarded_for_is_ignored(personas):
    attacker = Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=SECRETARY)
    fail_five_times(attacker)
    assert login(Client(REMOTE_ADDR=SECRETARY)).status_code == 302
    assert login(Client(REMOTE_ADDR=ATTACKER)).status_code == 429


@override_settings(**client_address_settings(2))
def test_with_two_proxies_the_client_is_the_second_address_from_the_right(personas):
    def via_two(client_address, forged=SECRETARY):
        return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{forged}, {client_address}, 10.0.0.2")

    fail_five_times(via_two(ATTACKER))
    assert login(via_two(SECRETARY, forged=ATTACKER)).status_code == 302
    assert login(via_two(ATTACKER)).status_code == 429
