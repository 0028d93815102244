"""Bearer tokens for the Custom Contact Source API: one token per sync, renewed before it expires.

`GET /token` with Basic credentials answers a JWT. We read its `exp` claim (without verifying the
signature: that is the API's job) to renew it a little before it runs out, and the CDK's
HttpClient asks us to renew it once more if the API still answers 401 or 403. The document only
says a token should expire: one without `exp` (or whose `exp` this machine's clock has passed
already) is renewed once it is `RENEW_WITHOUT_EXPIRY_SECONDS` old, and sooner if the API refuses it;
the age of a token refused tells how long later ones may live.

The config's secrets are masked in every output by the CDK; the Basic header (the same secret in
base64) and each JWT are secrets learnt at run time, and are registered with the same filter
before anything can log them.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests
from airbyte_cdk.sources.streams.http.http_client import HttpClient
from airbyte_cdk.sources.streams.http.requests_native_auth import BasicHttpAuthenticator
from airbyte_cdk.sources.streams.http.requests_native_auth.abstract_token import AbstractHeaderAuthenticator
from airbyte_cdk.utils.airbyte_secrets_utils import add_to_secrets

from source_custom_contacts.errors import malformed_response

Clock = Callable[[], float]
logger = logging.getLogger("airbyte")

# Renew this long before `exp`, but never more than this share of the token's life.
RENEW_MARGIN_SECONDS = 30.0
RENEW_MARGIN_SHARE = 0.2
# The age at which a token that states no usable expiry is renewed: one token request every five
# minutes costs nothing next to a read, and a shorter life is met by renewing on refusal.
RENEW_WITHOUT_EXPIRY_SECONDS = 300.0
# A token of this age or older refused by the API tells its life: later ones are renewed before
# they reach it. A younger one tells nothing (a rotated key, say) and is only replaced.
SHORTEST_LIFE_LEARNT_SECONDS = 30.0


@dataclass(frozen=True)
class AccessToken:
    value: str
    renew_at: float
    fetched_at: float = 0.0
    by_age: bool = False  # renewed by its age: it states no expiry this machine can use


def jwt_expiry(token: str) -> float | None:
    """The `exp` claim of a JWT, or None when the token is not a JWT or has no expiry."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    return float(exp) if isinstance(exp, int | float) and not isinstance(exp, bool) else None


class TokenRequestAuthenticator(BasicHttpAuthenticator):
    """Basic credentials for `GET /token`, kept out of every log along with the token it answers.

    The CDK logs an answer (with `--debug`) as soon as it arrives, before our code reads the token
    from it, so the token is registered as a secret by a response hook, which runs first.
    """

    def __init__(self, username: str, password: str) -> None:
        super().__init__(username, password)
        add_to_secrets(self.token.split(" ", 1)[-1])

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        prepared = super().__call__(request)
        prepared.register_hook("response", _mask_issued_token)
        return prepared


def _mask_issued_token(response: requests.Response, *args: object, **kwargs: object) -> None:
    try:
        body = response.json()
    except ValueError:
        return
    token = body.get("token") if isinstance(body, dict) else None
    if isinstance(token, str) and token:
        add_to_secrets(token)


@dataclass(eq=False)
class CustomApiTokenAuthenticator(AbstractHeaderAuthenticator):
    """Adds `Authorization: Bearer <JWT>`; safe to share between the threads that fetch pages.

    `token_client` sends the Basic credentials to /token and owns the retry policy for it.
    """

    token_client: HttpClient
    token_url: str
    api_name: str
    clock: Clock = time.time

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._current: AccessToken | None = None
        self._renew_age = RENEW_WITHOUT_EXPIRY_SECONDS

    @property
    def auth_header(self) -> str:
        return "Authorization"

    @property
    def token(self) -> str:
        with self._lock:
            current = self._current
            if current is None or self.clock() >= current.renew_at:
                current = self._current = self._fetch()
            return f"Bearer {current.value}"

    def refresh_and_set_access_token(self) -> None:
        """Called by HttpClient when the API answers 401 or 403 to a token we still thought valid.
        The new token is fetched when the request is sent again, after the CDK's backoff: one
        fetched now could expire during that wait, if the API's tokens live only seconds. A token
        renewed by its age tells how long the API's tokens live, when it is not too young."""
        with self._lock:
            current, self._current = self._current, None
            if current is None or not current.by_age:
                return
            age = self.clock() - current.fetched_at
            renew_age = age * (1 - RENEW_MARGIN_SHARE)
            if age >= SHORTEST_LIFE_LEARNT_SECONDS and renew_age < self._renew_age:
                self._renew_age = renew_age
                logger.info(
                    "The API refused a token %d seconds old that states no expiry: later tokens are "
                    "renewed at %d seconds old.",
                    age,
                    renew_age,
                )

    def _fetch(self) -> AccessToken:
        fetched_at = self.clock()
        _, response = self.token_client.send_request("GET", self.token_url, request_kwargs={})
        try:
            body = response.json()
        except ValueError:
            raise malformed_response(self.api_name, self.token_url, 'JSON {"token": "..."}') from None
        value = body.get("token") if isinstance(body, dict) else None
        if not isinstance(value, str) or not value:
            raise malformed_response(self.api_name, self.token_url, 'JSON {"token": "..."}')
        expiry = jwt_expiry(value)
        by_age = AccessToken(value, fetched_at + self._renew_age, fetched_at, by_age=True)
        if expiry is None:
            return by_age
        if expiry <= fetched_at:
            # Our clock is ahead of the API's: trusting `exp` would fetch a token per request.
            logger.warning(
                "The new token expires at %s, before this machine's clock; check the clock. "
                "The token is renewed by its age, %d seconds, or when the API refuses it.",
                expiry,
                self._renew_age,
            )
            return by_age
        margin = min(RENEW_MARGIN_SECONDS, (expiry - fetched_at) * RENEW_MARGIN_SHARE)
        return AccessToken(value, expiry - margin, fetched_at)
