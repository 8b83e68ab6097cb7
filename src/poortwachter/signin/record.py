"""What the server-side session holds about a sign-in: small JSON values only (ids and
epoch seconds), never objects. `PendingSignin` is a sign-in whose password is proven but
whose steps (e.g. an expired password) are not done: it grants nothing."""

from dataclasses import asdict, dataclass, field

from poortwachter import clock

PENDING_KEY = "pending_signin"
PENDING_LIFETIME_SECONDS = 15 * 60


@dataclass
class PendingSignin:
    user_id: int
    organisation_id: int
    amr: list[str] = field(default_factory=list)
    next_url: str = ""
    started_at: int = field(default_factory=clock.timestamp)

    def save(self, session) -> None:
        session[PENDING_KEY] = asdict(self)

    @classmethod
    def load(cls, session, organisation) -> "PendingSignin | None":
        data = session.get(PENDING_KEY)
        if not isinstance(data, dict):
            return None
        try:
            pending = cls(**data)
        except TypeError:
            return None
        if pending.organisation_id != organisation.id:
            return None
        if clock.timestamp() - pending.started_at > PENDING_LIFETIME_SECONDS:
            return None
        return pending

    @staticmethod
    def discard(session) -> None:
        session.pop(PENDING_KEY, None)
