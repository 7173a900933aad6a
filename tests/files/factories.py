"""Factories for file metadata."""

import hashlib

import factory

from files.models import File
from tests.users.factories import UserFactory


class FileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = File

    owner = factory.SubFactory(UserFactory)
    storage_key = factory.Sequence(lambda n: f"test/{n}/file.bin")
    original_name = "file.bin"
    content_type = "application/octet-stream"
    size_bytes = 1024
    checksum_sha256 = factory.Sequence(lambda n: hashlib.sha256(str(n).encode()).hexdigest())
