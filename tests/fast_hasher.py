from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Still Argon2, with minimal cost so the suite does not spend minutes hashing the cast."""

    time_cost = 1
    memory_cost = 8
    parallelism = 1
