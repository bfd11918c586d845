"""Personal data at rest (R-SEC-2): AES-GCM encryption and a keyed blind index.

Ciphertext format: ``v1:`` + urlsafe base64 of (12-byte nonce ‖ ciphertext ‖ tag). The blind
index is HMAC-SHA256 under a key derived from the master key, so the database can find a person
by ID number and detect duplicates without ever holding the plain number.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable
from functools import cache
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

_PREFIX = "v1:"


@cache
def _keys(master_b64: str) -> tuple[bytes, bytes]:
    try:
        master = base64.b64decode(master_b64, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be base64") from exc
    if len(master) != 32:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must decode to 32 bytes")
    encryption_key = hmac.new(master, b"hragency-field-encryption", hashlib.sha256).digest()
    index_key = hmac.new(master, b"hragency-blind-index", hashlib.sha256).digest()
    return encryption_key, index_key


def _encryption_key() -> bytes:
    return _keys(settings.FIELD_ENCRYPTION_KEY)[0]


@cache
def _cipher(key: bytes) -> AESGCM:
    # One cipher object per key: bulk imports encrypt hundreds of thousands of values.
    return AESGCM(key)


def encrypt(plain: str) -> str:
    nonce = os.urandom(12)
    sealed = _cipher(_encryption_key()).encrypt(nonce, plain.encode(), None)
    return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    if not token.startswith(_PREFIX):
        raise ValueError("not an encrypted value")
    raw = base64.urlsafe_b64decode(token[len(_PREFIX) :])
    return _cipher(_encryption_key()).decrypt(raw[:12], raw[12:], None).decode()


def normalize_identifier(value: str) -> str:
    """ID numbers, phones and accounts compare without spaces and case."""
    return "".join(value.split()).upper()


def normalize_phone(value: str) -> str:
    """Phones compare by their digits, without the country code: "+86 138-0000-1111",
    "008613800001111" and "13800001111" are one number."""
    digits = "".join(ch for ch in value if ch.isdigit())
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix) :]
    return digits


NORMALIZERS: dict[str, Callable[[str], str]] = {
    "identifier": normalize_identifier,
    "phone": normalize_phone,
}


def blind_index(value: str, normalize: Callable[[str], str] = normalize_identifier) -> str:
    key = _keys(settings.FIELD_ENCRYPTION_KEY)[1]
    return hmac.new(key, normalize(value).encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Holds a plain ``str`` in Python and AES-GCM ciphertext in the database.

    Encrypted values cannot be filtered on; pair the field with a ``BlindIndexField`` for exact
    lookups. Empty strings stay empty so optional fields need no special casing.
    """

    description = "AES-GCM encrypted text"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value))


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """Keyed hash of another (encrypted) field on the same model, kept in step on save."""

    def __init__(
        self, *args: Any, source: str = "", normalizer: str = "identifier", **kwargs: Any
    ) -> None:
        self.source = source
        self.normalizer = normalizer
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if self.normalizer != "identifier":
            kwargs["normalizer"] = self.normalizer
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        plain = getattr(model_instance, self.source) or ""
        value = blind_index(plain, NORMALIZERS[self.normalizer]) if plain else ""
        setattr(model_instance, self.attname, value)
        return value
