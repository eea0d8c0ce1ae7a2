"""Single sign-on per organisation: OpenID Connect and SAML 2.0 through django-allauth.

A superuser configures an `SsoProvider` with its e-mail domains (`SsoDomain`) in the Django admin; `config`
turns each enabled provider into the allauth app of its protocol, the sign-in page (`views.SignInView`) sends
users of those domains to their provider, and `adapters` decide who may sign in and what account they get
(a first sign-in creates an account with no team role).
"""
