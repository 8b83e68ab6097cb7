"""The OpenID Connect provider: one issuer per organisation, `<public URL>/<slug>`."""
