"""How the signed-in person proved who they are, as apps see it in the ID token.

`amr` (RFC 8176) lists the methods: "pwd" password, "otp" authenticator app or recovery
code, "hwk" passkey, "email" a code or link by e-mail (it proves only the mailbox), and
"mfa" when an app code or passkey came with another proof (or a passkey, which checks
the person on the device, alone).

`acr` names the level: "phr" (phishing-resistant: a passkey, OpenID EAP ACR values),
"urn:poortwachter:acr:mfa" (two factors), "urn:poortwachter:acr:email" (a second proof of
the mailbox only), "urn:poortwachter:acr:pwd" (one factor)."""

ACR_PHISHING_RESISTANT = "phr"
ACR_MFA = "urn:poortwachter:acr:mfa"
ACR_EMAIL = "urn:poortwachter:acr:email"
ACR_SINGLE = "urn:poortwachter:acr:pwd"


def amr_for(methods: list[str]) -> list[str]:
    """The session's AMR from the methods used, "mfa" added where it applies."""
    used = list(dict.fromkeys(m for m in methods if m != "mfa"))
    strong = {"otp", "hwk"} & set(used)
    if strong and (len(used) > 1 or "hwk" in used):
        used.append("mfa")
    return used


def amr(session) -> list[str]:
    return list(session.get("amr", []))


def acr(session) -> str:
    methods = set(amr(session))
    if "hwk" in methods:
        return ACR_PHISHING_RESISTANT
    if "mfa" in methods:
        return ACR_MFA
    if "email" in methods and "pwd" in methods:
        return ACR_EMAIL
    return ACR_SINGLE


def auth_time(session) -> int:
    """When the person last proved who they are (sign-in or re-authentication)."""
    return int(session.get("reauth_at") or session.get("signed_in_at") or 0)
