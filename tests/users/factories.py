"""Factories for users."""

import factory

from users.models import User, UserStatus


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@pika.example")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    status = UserStatus.ACTIVE
    password = factory.django.Password("correct horse battery staple")
