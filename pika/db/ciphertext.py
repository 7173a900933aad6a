"""The format of an encrypted column's value: AES-256-GCM, sealed and opened in Python.

A value is ``version (1 byte) | key id (4 bytes) | nonce (12 bytes) | ciphertext and tag``.
The AES key is derived with HKDF-SHA256 from ``PIKA_ENCRYPTION_KEY``; the key id, derived
from the same secret under another label, tells keys apart during a rotation without
revealing anything about them. The associated data binds each value to its version, key id
and ``schema.table.column``: a value copied into another column, or altered, does not open.

Neither the secret nor the plaintext ever reaches the database server: it stores and returns
opaque bytes.
"""

import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = 1
KEY_ID_SIZE = 4
NONCE_SIZE = 12
TAG_SIZE = 16
HEADER_SIZE = 1 + KEY_ID_SIZE
OVERHEAD = HEADER_SIZE + NONCE_SIZE + TAG_SIZE

_HKDF_SALT = b"pika encrypted columns"


class DecryptionFailed(Exception):
    """A stored value that the keys at hand do not open: another key, another column, or altered."""


@dataclass(frozen=True)
class ColumnKey:
    """An AES-256-GCM key derived from one secret, with the id stored beside its values."""

    key_id: bytes
    aead: AESGCM


def _hkdf(secret: str, label: bytes, length: int) -> bytes:
    return HKDF(algorithm=SHA256(), length=length, salt=_HKDF_SALT, info=label).derive(
        secret.encode()
    )


@lru_cache(maxsize=8)
def column_key(secret: str) -> ColumnKey:
    """The key and key id derived from a secret (``PIKA_ENCRYPTION_KEY`` or an old one)."""
    if not secret:
        raise ValueError("an encryption key must not be empty")
    return ColumnKey(
        key_id=_hkdf(secret, b"key id v1", KEY_ID_SIZE),
        aead=AESGCM(_hkdf(secret, b"aes-256-gcm key v1", 32)),
    )


def _associated_data(header: bytes, context: str) -> bytes:
    return header + context.encode()


def seal(plaintext: str, *, key: ColumnKey, context: str) -> bytes:
    """Encrypt ``plaintext`` for the column named ``context`` (``schema.table.column``)."""
    header = bytes([VERSION]) + key.key_id
    nonce = os.urandom(NONCE_SIZE)
    sealed = key.aead.encrypt(nonce, plaintext.encode(), _associated_data(header, context))
    return header + nonce + sealed


def key_id_of(value: bytes) -> bytes:
    """The id of the key a stored value was sealed with."""
    _check_shape(value)
    return bytes(value[1:HEADER_SIZE])


def open_sealed(value: bytes, *, keys: Iterable[ColumnKey], context: str) -> str:
    """Decrypt a value of the column ``context`` with whichever of ``keys`` sealed it.

    Raises `DecryptionFailed` when none did, or when the value was altered or belongs to
    another column.
    """
    value = bytes(value)
    key_id = key_id_of(value)
    key = next((key for key in keys if key.key_id == key_id), None)
    if key is None:
        raise DecryptionFailed(
            f"a value of {context} is encrypted under another key (key id {key_id.hex()})"
        )
    header, nonce = value[:HEADER_SIZE], value[HEADER_SIZE : HEADER_SIZE + NONCE_SIZE]
    try:
        plaintext = key.aead.decrypt(
            nonce, value[HEADER_SIZE + NONCE_SIZE :], _associated_data(header, context)
        )
    except InvalidTag:
        raise DecryptionFailed(
            f"a value of {context} does not authenticate: altered, or copied from another column"
        ) from None
    return plaintext.decode()


def _check_shape(value: bytes) -> None:
    if len(value) < OVERHEAD:
        raise DecryptionFailed("not an encrypted value: too short")
    if value[0] != VERSION:
        raise DecryptionFailed(f"not an encrypted value of a known format (version {value[0]})")
