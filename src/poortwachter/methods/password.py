"""Sign-in method: password. Verifies with a bounded argon2id; for an unknown user a dummy
hash is verified so that the answer's timing does not say whether the account exists."""

from poortwachter.accounts import passwords

AMR = "pwd"  # RFC 8176


def verify(user, password: str) -> bool:
    return passwords.verify(user, password)
