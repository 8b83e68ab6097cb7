"""Console "Instellingen en onderhoud": the pages an organisation's administrators use to
manage users, roles, policies, branding, apps and to read the audit log."""
