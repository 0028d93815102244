"""The custom API's JWTs: HS256, with an expiry."""

from __future__ import annotations

import math
import time

import jwt

ALGORITHM = "HS256"
TOKEN_CACHE_SIZE = 4096


class TokenIssuer:
    """Signs and checks the custom API's JWTs; remembers the expiry of tokens already verified."""

    def __init__(self, secret: str) -> None:
        self._base_secret = secret
        self._secret = secret
        self._revocations = 0
        self._verified: dict[str, float] = {}

    def revoke_all(self) -> None:
        """Every token issued so far stops working: the signing key changes, as a rotation would."""
        self._revocations += 1
        self._secret = f"{self._base_secret}:{self._revocations}"
        self._verified.clear()

    def issue(self, subject: str, ttl_seconds: int, now: float | None = None) -> str:
        issued = time.time() if now is None else now
        # Rounded up so a token lives at least its TTL, never a fraction of a second less.
        claims = {"sub": subject, "iat": int(issued), "exp": math.ceil(issued + ttl_seconds)}
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def check(self, token: str) -> str | None:
        """None when the token is good, else why it is not."""
        expiry = self._verified.get(token)
        if expiry is None:
            try:
                claims = jwt.decode(token, self._secret, algorithms=[ALGORITHM], options={"require": ["exp"]})
            except jwt.ExpiredSignatureError:
                return "token expired"
            except jwt.InvalidTokenError as error:
                return f"invalid token: {error}"
            expiry = float(claims["exp"])
            if len(self._verified) >= TOKEN_CACHE_SIZE:
                self._verified.clear()
            self._verified[token] = expiry
        if time.time() >= expiry:
            return "token expired"
        return None
