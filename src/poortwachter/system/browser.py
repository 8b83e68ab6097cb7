"""Browsers we no longer support get a warning on the login page (q1000: Internet
Explorer and Safari 13 or older)."""

import re

_SAFARI_VERSION = re.compile(r"Version/(\d+)(?:\.\d+)*.*Safari/")


def is_outdated(request) -> bool:
    agent = request.META.get("HTTP_USER_AGENT", "")[:512]
    if "MSIE " in agent or "Trident/" in agent:
        return True
    if "Chrome/" in agent or "Chromium/" in agent or "CriOS/" in agent or "Edg" in agent:
        return False
    match = _SAFARI_VERSION.search(agent)
    return bool(match) and int(match.group(1)) <= 13
