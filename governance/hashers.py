"""The hasher of one-time initial passwords (bulk onboarding, issue #18).

An initial password is 16 random characters (~95 bits): against that the work factor adds nothing an attacker
would notice, while Django's default PBKDF2 at 3,200 accounts would take the import minutes. It is used once —
the account must change it at its first sign-in, and Django re-hashes with the default hasher on that login."""
from django.contrib.auth.hashers import PBKDF2PasswordHasher


class OneTimePasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_sha256_onetime"
    iterations = 1_000
