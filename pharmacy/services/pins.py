"""PIN hashing with argon2id, and a process-local memo of PINs already verified against the same hash.

argon2 is slow on purpose (~50 ms); a script posting 10,000 witnessed lines, or a counter checking the same
colleague all day, would pay it every time. The memo only short-cuts a verification that already succeeded
for the same user, the same stored hash and the same PIN; a wrong PIN is always checked by argon2.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class PinHasher:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._key = secrets.token_bytes(32)
        self._verified: set[bytes] = set()

    @classmethod
    def fast_for_tests(cls) -> PinHasher:
        """Weak parameters for tests and the demo only; stored hashes still say which parameters made them."""
        return cls(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))

    def hash(self, pin: str) -> str:
        return self._hasher.hash(pin)

    def _token(self, pin_hash: str, pin: str) -> bytes:
        return hmac.digest(self._key, f"{pin_hash}\x00{pin}".encode(), hashlib.sha256)

    def verify(self, pin_hash: str, pin: str) -> bool:
        token = self._token(pin_hash, pin)
        if token in self._verified:
            return True
        try:
            self._hasher.verify(pin_hash, pin)
        except (VerificationError, InvalidHashError):
            return False
        self._verified.add(token)
        return True
