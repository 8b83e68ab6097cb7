"""The console's pages, one module per part: home (overview, terms), users, user_actions,
roles, settings (policies, branding), audit, importing. Thin: they read forms and render;
the console's services decide."""
