"""A real SMTP server for tests (aiosmtpd on 127.0.0.1, a free port) and helpers to read
what arrived: the tests deliver the outbox through it and follow links out of the messages."""

import email
import email.policy
import re
import socket
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

from poortwachter.mail import delivery


@dataclass
class Received:
    to: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()

    def links(self) -> list[str]:
        return re.findall(r"https?://[^\s<>\"]+", self.text)


@dataclass
class Inbox:
    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(Received(list(envelope.rcpt_tos), parsed))
        return "250 OK"


class SMTPServer:
    def __init__(self):
        self.inbox = Inbox()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def mailer_settings(self) -> dict:
        return {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                            "OPTIONS": {"host": "127.0.0.1", "port": self.port, "use_tls": False, "timeout": 5}}}

    def deliver(self) -> list[Received]:
        """Run the outbox worker once; return the messages that arrived."""
        before = len(self.inbox.messages)
        delivery.deliver_due()
        return self.inbox.messages[before:]

    def to(self, address: str) -> list[Received]:
        return [m for m in self.inbox.messages if address in m.to]

    def last_to(self, address: str) -> Received:
        found = self.to(address)
        assert found, f"no mail to {address}; got {[m.to for m in self.inbox.messages]}"
        return found[-1]


def path_of(link: str, public_url: str) -> str:
    assert link.startswith(public_url), (link, public_url)
    return link[len(public_url):]
