"""Fixtures of the pull tests: a test CA, the fake CRMs over HTTPS, an in-memory keyring."""

from __future__ import annotations

from contextlib import contextmanager

import keyring
import pytest
import trustme
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError
from tests.pulls.fake_hubspot import FakeHubSpot
from tests.pulls.fake_salesforce import FakeSalesforce
from tests.pulls.tls import FakeServer, trusting_session


class MemoryKeyring(KeyringBackend):
    """A keyring kept in memory, marked as safe for Workbench (tests only)."""

    priority = 1
    workbench_secure = True

    def __init__(self):
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        if (service, username) not in self.store:
            raise PasswordDeleteError(username)
        del self.store[(service, username)]


class PlaintextLikeKeyring(MemoryKeyring):
    """Stands for a backend that writes secrets unencrypted (not marked secure)."""

    workbench_secure = False


@pytest.fixture
def memory_keyring():
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


@pytest.fixture(scope="session")
def ca(tmp_path_factory):
    authority = trustme.CA()
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(path))
    return authority, str(path)


@pytest.fixture(autouse=True)
def trust_test_ca(ca, monkeypatch):
    """requests takes REQUESTS_CA_BUNDLE over a session's own ``verify``: point it at the
    test CA, as a user behind an inspecting proxy points it at the company's CA."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", ca[1])
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)


@contextmanager
def served(fake, ca):
    """``fake`` served over HTTPS, with ``fake.url`` and a ``fake.session`` routed to it."""
    server = FakeServer(fake, ca[0])
    fake.url = server.url
    fake.session = trusting_session(ca[1], server.url)
    try:
        yield fake
    finally:
        fake.session.close()
        server.close()


@pytest.fixture
def salesforce(ca):
    with served(FakeSalesforce(), ca) as fake:
        yield fake


@pytest.fixture
def hubspot(ca):
    with served(FakeHubSpot(), ca) as fake:
        yield fake


def write_rsa_key(path) -> bytes:
    """Write a new RSA private key (PEM) to ``path``; return its public key (PEM)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
