"""The gateway webhook's ``gateway`` path segment for the scoping sweep: a registered, active
gateway (the sweep's unsigned ``{}`` then gets 401, never a ticket)."""

from __future__ import annotations

from tests.conftest import Cast


def _gateway(cast: Cast) -> str:
    cached = getattr(cast, "_sweep_desk_gateway", None)
    if cached is None:
        from hragency.servicedesk.channels.gateways import create_gateway

        gateway, _ = create_gateway(actor=None, code="sweep-wecom", channel="wecom")
        cached = gateway.code
        cast._sweep_desk_gateway = cached  # type: ignore[attr-defined]
    return str(cached)


PARAMS = {"gateway": _gateway}
