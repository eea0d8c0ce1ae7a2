"""“Connect with …”: the OAuth authorization-code flow, the account picker and the token lifecycle.

* `providers.py`: one entry per provider key (meta, instagram, linkedin, google, x, tiktok): scopes, PKCE, how
  its tokens are fetched, made long-lived and refreshed (Authlib does the OAuth protocol work).
* `accounts.py`: what a fresh token can see (pages, organisations, channels, properties) for the picker.
* `state.py`: the `state` parameter, signed, single-use, short-lived and bound to the session and the team.
* `services.py`: create or reconnect a channel from a picked account; refresh tokens; mark lapsed ones.
* `views.py`: start, callback, picker, reconnect.
* `http.py`: the one place outgoing OAuth HTTP clients are built.
"""
