"""The custom API's JWTs: HS256, with an expiry in the token or, without one, kept by the server."""

from __future__ import annotations

import math
import time

import jwt

ALGORITHM = "HS256"
TOKEN_CACHE_SIZE = 4096
MISSING_EXP = 'invalid token: Token is missing the "exp" claim'


class TokenIssuer:
    """Signs and checks the custom API's JWTs; remembers the expiry of tokens already verified.

    A token issued without `exp` (the reading `custom.token_exp=without`) never expires by its
    claims; the server keeps its expiry itself, as one with server-side sessions would, so it
    still stops working after the TTL. A token without `exp` the server did not issue is refused.
    """

    def __init__(self, secret: str) -> None:
        self._base_secret = secret
        self._secret = secret
        self._revocations = 0
        self._verified: dict[str, float] = {}
        self._sessions: dict[str, float] = {}

    def revoke_all(self) -> None:
        """Every token issued so far stops working: the signing key changes, as a rotation would."""
        self._revocations += 1
        self._secret = f"{self._base_secret}:{self._revocations}"
        self._verified.clear()
        self._sessions.clear()

    def issue(
        self, subject: str, ttl_seconds: int, now: float | None = None, *, with_exp: bool = True
    ) -> str:
        issued = time.time() if now is None else now
        # Rounded up so a token lives at least its TTL, never a fraction of a second less.
        expiry = math.ceil(issued + ttl_seconds)
        claims: dict[str, object] = {"sub": subject, "iat": int(issued)}
        if with_exp:
            claims["exp"] = expiry
        token = jwt.encode(claims, self._secret, algorithm=ALGORITHM)
        if not with_exp:
            if len(self._sessions) >= TOKEN_CACHE_SIZE:
                self._sessions.pop(next(iter(self._sessions)))
            self._sessions[token] = expiry
        return token

    def check(self, token: str, now: float | None = None) -> str | None:
        """None when the token is good, else why it is not."""
        expiry = self._verified.get(token)
        if expiry is None:
            try:
                claims = jwt.decode(token, self._secret, algorithms=[ALGORITHM])
            except jwt.ExpiredSignatureError:
                return "token expired"
            except jwt.InvalidTokenError as error:
                return f"invalid token: {error}"
            session = self._sessions.get(token)
            if "exp" not in claims and session is None:
                return MISSING_EXP
            expiry = float(claims["exp"]) if "exp" in claims else session
            assert expiry is not None
            if len(self._verified) >= TOKEN_CACHE_SIZE:
                self._verified.clear()
            self._verified[token] = expiry
        if (time.time() if now is None else now) >= expiry:
            return "token expired"
        return None
