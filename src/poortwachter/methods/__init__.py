"""One module (or folder) per way of proving who you are: `password`, `magic_link`, and the
second steps. `registry` lists them; the sign-in flow asks a method to verify and never
knows how it does so. Importing this package loads nothing (the CLI imports
`methods.commands` before Django is set up)."""
