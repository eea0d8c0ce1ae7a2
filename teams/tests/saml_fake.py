"""A local SAML 2.0 identity provider for tests: a key and certificate made for the run, and signed responses.

The app's side is the real one (allauth's SAML provider on python3-saml and xmlsec); this only plays the IdP:
it reads the app's AuthnRequest and answers with a response whose assertion it signs (or spoils: unsigned,
signed with a stranger's key, for another audience, expired) for the test client to post to the ACS.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.utils import OneLogin_Saml2_Utils

IDP_ENTITY_ID = "https://idp.globex.test/saml"
IDP_SSO_URL = "https://idp.globex.test/sso"


@dataclass
class KeyPair:
    key_pem: str
    cert_pem: str

    @classmethod
    def new(cls, common_name: str = "idp.globex.test") -> KeyPair:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .sign(key, hashes.SHA256())
        )
        key_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        return cls(key_pem=key_pem, cert_pem=cert.public_bytes(serialization.Encoding.PEM).decode())


def _instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class FakeSAMLIdP:
    keys: KeyPair = field(default_factory=KeyPair.new)

    def request_id(self, redirect_url: str) -> str:
        """The ID of the AuthnRequest the app sent in its redirect (HTTP-Redirect binding)."""
        assert redirect_url.startswith(IDP_SSO_URL), redirect_url
        saml_request = parse_qs(urlsplit(redirect_url).query)["SAMLRequest"][0]
        xml = OneLogin_Saml2_Utils.decode_base64_and_inflate(saml_request)
        document = etree.fromstring(xml if isinstance(xml, bytes) else xml.encode())
        return document.get("ID")

    def response(
        self,
        *,
        in_response_to: str,
        acs_url: str,
        audience: str,
        email: str,
        uid: str = "bob-42",
        sign_with: KeyPair | None = None,
        signed: bool = True,
        valid_for: dt.timedelta = dt.timedelta(minutes=5),
    ) -> str:
        """A base64 SAMLResponse for the ACS."""
        now = dt.datetime.now(dt.UTC)
        until = _instant(now + valid_for)
        assertion_id = f"_a{secrets.token_hex(16)}"
        assertion = f"""<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{assertion_id}"
 Version="2.0" IssueInstant="{_instant(now)}"><saml:Issuer>{IDP_ENTITY_ID}</saml:Issuer><saml:Subject><saml:NameID
 Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{email}</saml:NameID><saml:SubjectConfirmation
 Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{until}"
 Recipient="{acs_url}" InResponseTo="{in_response_to}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions
 NotBefore="{_instant(now - dt.timedelta(minutes=1))}" NotOnOrAfter="{until}"><saml:AudienceRestriction>
<saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement
 AuthnInstant="{_instant(now)}" SessionIndex="_s{secrets.token_hex(8)}"><saml:AuthnContext><saml:AuthnContextClassRef
>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>
</saml:AuthnStatement><saml:AttributeStatement><saml:Attribute Name="urn:oid:0.9.2342.19200300.100.1.3">
<saml:AttributeValue>{email}</saml:AttributeValue></saml:Attribute><saml:Attribute
 Name="urn:oasis:names:tc:SAML:attribute:subject-id"><saml:AttributeValue>{uid}</saml:AttributeValue>
</saml:Attribute></saml:AttributeStatement></saml:Assertion>"""
        if signed:
            keys = sign_with or self.keys
            assertion = OneLogin_Saml2_Utils.add_sign(
                assertion, keys.key_pem, keys.cert_pem, sign_algorithm=C.RSA_SHA256, digest_algorithm=C.SHA256
            ).decode()
            assertion = assertion.split("?>", 1)[-1] if assertion.startswith("<?xml") else assertion
        response = f"""<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
 xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r{secrets.token_hex(16)}" Version="2.0"
 IssueInstant="{_instant(now)}" Destination="{acs_url}" InResponseTo="{in_response_to}"><saml:Issuer
>{IDP_ENTITY_ID}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>
</samlp:Status>{assertion}</samlp:Response>"""
        return base64.b64encode(response.encode()).decode()
