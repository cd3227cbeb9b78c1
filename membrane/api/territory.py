"""The territory: federations and sections. Public, like their pages."""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from membrane.api.common import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    error_responses,
    keyset_page,
)
from membrane.territory.models import Unit
from membrane.territory.selectors import federation_list, section_search

router = Router(tags=["territory"])


class FederationOut(Schema):
    code: str
    name: str
    section_count: int


class FederationDetailOut(FederationOut):
    description: str


class FederationRef(Schema):
    code: str
    name: str


class SectionOut(Schema):
    id: int
    slug: str
    name: str
    commune: str
    postcode: str
    federation: FederationRef | None
    member_count: int

    @staticmethod
    def resolve_federation(obj: Unit) -> Unit | None:
        # Loaded by section_search's select_related("parent").
        return obj.parent


class SectionDetailOut(SectionOut):
    description: str


class SectionPage(Schema):
    items: list[SectionOut]
    next: str | None


class SectionFilters(Schema):
    q: str = Field("", max_length=120, description="Commune, postcode or name.")
    postcode: str = Field("", pattern=r"^\d{0,5}$", description="Start of a postcode.")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    cursor: str | None = Field(None, description="The `next` value of the previous page.")


@router.get(
    "/federations",
    auth=None,
    response={200: list[FederationOut]},
    summary="All federations",
)
def federation_index(request: HttpRequest) -> Any:
    return federation_list()


@router.get(
    "/federations/{code}",
    auth=None,
    response={200: FederationDetailOut, **error_responses(404)},
    summary="One federation",
)
def federation_detail(request: HttpRequest, code: str) -> Any:
    federation = federation_list().filter(code=code).first()
    if federation is None:
        raise Http404
    return federation


@router.get(
    "/sections",
    auth=None,
    response={200: SectionPage, **error_responses(400, 422)},
    summary="Search sections",
)
def section_index(request: HttpRequest, filters: Query[SectionFilters]) -> dict[str, Any]:
    sections = section_search(filters.q)
    if filters.postcode:
        sections = sections.filter(postcode__startswith=filters.postcode)
    items, next_cursor = keyset_page(
        sections, field="name", cursor=filters.cursor, limit=filters.limit
    )
    return {"items": items, "next": next_cursor}


@router.get(
    "/sections/{section_id}",
    auth=None,
    response={200: SectionDetailOut, **error_responses(404, 422)},
    summary="One section",
)
def section_detail(request: HttpRequest, section_id: int) -> Any:
    section = section_search().filter(pk=section_id).first()
    if section is None:
        raise Http404
    return section
