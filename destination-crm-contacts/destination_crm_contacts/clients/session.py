"""The HTTP session of one target: its connection pool, its call budget, and the environment's
proxy and CA bundle, read once when the session is built."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import requests
from airbyte_cdk.sources.streams.call_rate import APIBudget, LimiterSession

from destination_crm_contacts.config import TargetLimits


class TargetSession(LimiterSession):
    """The CDK's budgeted session, with settings that do not change from one request to the next.

    For every request the CDK asks the session to merge its cookies, hooks, headers and auth into
    the request, then the environment into the send. requests does each merge after runtime
    protocol checks, which together cost a fifth of a write's CPU, to give back what the session
    holds: it read the environment when it was built (`build_session`), keeps no cookies or hooks
    of its own, and our requests carry no settings but their headers, query and JSON body. So
    both are done directly; anything else takes requests' own path.
    """

    def __init__(self, api_budget: APIBudget) -> None:
        super().__init__(api_budget=api_budget)
        self._delete_body = threading.local()

    @contextmanager
    def delete_body(self, json: Mapping[str, Any] | None) -> Iterator[None]:
        """The JSON body of the DELETE sent on this thread meanwhile: the CDK attaches a body to
        GET, POST, PUT and PATCH only, and the CRM documents its delete with one."""
        self._delete_body.value = json
        try:
            yield
        finally:
            self._delete_body.value = None

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        body = getattr(self._delete_body, "value", None)
        if body and request.method and request.method.upper() == "DELETE" and request.json is None:
            request.json = body
        if self.cookies or request.cookies or request.files or request.data or request.auth:
            return super().prepare_request(request)
        if any(self.hooks.values()) or any(request.hooks.values()):
            return super().prepare_request(request)
        prepared = requests.PreparedRequest()
        prepared.prepare(
            method=request.method,
            url=request.url,
            headers={**self.headers, **(request.headers or {})},
            # Encoded here: requests would check the mapping against a runtime protocol first.
            params=urlencode(request.params, doseq=True) if request.params else None,
            json=request.json,
            auth=self.auth,
        )
        return prepared

    def merge_environment_settings(
        self,
        url: str | bytes | None,
        proxies: Any,
        stream: Any,
        verify: Any,
        cert: Any,
    ) -> Any:
        if self.trust_env or proxies or stream is not None or verify is not None or cert is not None:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        return {"proxies": self.proxies, "stream": self.stream, "verify": self.verify, "cert": self.cert}


def build_session(base_url: str, limits: TargetLimits, budget: APIBudget) -> TargetSession:
    session = TargetSession(api_budget=budget)
    # Every worker keeps its connection open: the default pool of 10 would drop and reopen them.
    adapter = requests.adapters.HTTPAdapter(
        pool_connections=4, pool_maxsize=limits.max_concurrent_requests * 2 + 4
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    # Proxies and the CA bundle come from the environment, read once here: requests would scan
    # the environment on every request, a quarter of the client's time per write.
    session.trust_env = False
    session.proxies.update(requests.utils.get_environ_proxies(base_url))
    ca_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if ca_bundle:
        session.verify = ca_bundle
    return session
