from poortwachter.security.audit import AuditEvent  # noqa: F401
