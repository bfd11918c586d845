from __future__ import annotations

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from hragency.clients.models import Client
from hragency.clients.queries import client_for, clients_for
from hragency.clients.schemas import ClientOut

router = Router(tags=["客户"])


@router.get("/", response=list[ClientOut], summary="客户列表")
@paginate
def list_clients(request: HttpRequest, q: str = "") -> list[Client]:
    qs = clients_for(request.user)
    return qs.filter(name__icontains=q) if q else qs  # type: ignore[return-value]


@router.get("/{client_id}", response=ClientOut, summary="客户详情")
def get_client(request: HttpRequest, client_id: int) -> Client:
    return client_for(request.user, client_id)
