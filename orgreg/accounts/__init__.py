"""Sign-in through the municipality's identity provider (OpenID Connect, with
mozilla-django-oidc): discovery of the provider, the authentication backend that matches users
by the provider's `sub`, roles from the provider's group claim, and the login, callback and
logout views. Who may see what once signed in stays in orgreg/roles.py."""
