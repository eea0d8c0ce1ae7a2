"""SAML needs xmlsec (libxmlsec1) built against the same libxml2 as lxml; say so at start-up, not at a sign-in.

The pinned PyPI wheels of both bundle their C libraries (the same libxml2), so `pip install -r requirements.txt`
is all a machine needs; a platform without those wheels builds xmlsec from source and needs libxmlsec1's
development files (Debian: `apt-get install libxmlsec1-dev pkg-config`).
"""

from typing import Any

from django.core.checks import Error, register

HINT = (
    "Install the pinned wheels (pip install -r requirements.txt). Without a binary wheel for this platform, "
    "install libxmlsec1's development files first (Debian: apt-get install libxmlsec1-dev pkg-config) and "
    "build both from source: pip install --no-binary lxml,xmlsec lxml xmlsec."
)


@register()
def saml_libraries(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    try:
        import xmlsec
        from lxml import etree
    except ImportError as error:
        return [Error(f"SAML single sign-on needs xmlsec and lxml: {error}.", hint=HINT, id="teams.E001")]
    if xmlsec.get_libxml_version() != etree.LIBXML_VERSION:
        message = (
            f"lxml uses libxml2 {etree.LIBXML_VERSION} but xmlsec uses {xmlsec.get_libxml_version()}: "
            "SAML signatures cannot be checked."
        )
        return [Error(message, hint=HINT, id="teams.E002")]
    return []
