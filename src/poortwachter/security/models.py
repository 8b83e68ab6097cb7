from poortwachter.security.audit import AuditEvent  # noqa: F401
from poortwachter.security.counters import Counter  # noqa: F401
