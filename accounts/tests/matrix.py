"""accounts/'s pages in the authorization matrix: each is about the signed-in user alone (no object in the URL)."""
from governance.tests.matrix import register_pages

register_pages("account", "otp_setup", "otp_verify", "recovery_codes")
