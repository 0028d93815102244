"""The HTTP session of one target: its connection pool, its call budget, and the environment's
proxy and CA bundle, read once when the session is built."""

from __future__ import annotations

import os
from typing import Any

import requests
from airbyte_cdk.sources.streams.call_rate import APIBudget, LimiterSession

from destination_crm_contacts.config import TargetLimits


class TargetSession(LimiterSession):
    """The CDK's budgeted session, with settings that do not change from one request to the next.

    The CDK asks the session to merge the environment into every request. This session read the
    environment when it was built (`build_session`), and our requests carry no settings of their
    own, so the merge would give the session's own settings back each time, after runtime
    protocol checks that cost a tenth of a write's CPU. It hands them back directly.
    """

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


def build_session(base_url: str, limits: TargetLimits, budget: APIBudget) -> requests.Session:
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
