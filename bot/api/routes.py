"""The case API's endpoints, declared once: `ENDPOINTS` both registers the handlers
(`bot.api.app`) and describes them in the OpenAPI document (`bot.api.openapi`).

Reads need a `read` key, actions a `decide` key. Actions go through the staff desk (the same
workflow rules, undo window, claimant notices and card as the buttons in the staff group), as
the actor `api:<key name>`, and need an `Idempotency-Key`."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Annotated, Any, Literal

from aiohttp import web
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from bot.api.errors import ApiError, not_found
from bot.api.models import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    ActionResult,
    CaseDetail,
    CasePage,
    DecideRequest,
    EventPage,
    OutcomeRequest,
    OutcomeResult,
    QuestionRequest,
    QuestionResult,
    TakeRequest,
)
from bot.api.views import case_detail, case_files, case_summary
from bot.dossier.pool import build_pdf
from bot.staff.apply import SELLER_NOTICE_SECTION, ActionRefused
from bot.staff.decision_protocol import ACCEPTED_MARK, Decision
from bot.staff.desk import CaseDesk
from bot.staff.workflow import Actor
from dialogs.i18n import MissingText, texts
from dialogs.model import Case, CaseStatus
from dialogs.validators import Valid
from dialogs.validators.links import check_link
from storage import Storage
from storage.api_keys import Scope
from storage.case_pages import CaseFilter, CasePages, Position
from storage.database import from_iso, to_iso
from storage.listing_outcomes import Reported

EVENTS_SETTLE = timedelta(seconds=5)  # an event after a gap in the ids is served this old
CHUNK = 64 * 1024


class Query(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaseQuery(Query):
    status: CaseStatus | None = None
    right_type: Annotated[str, Field(max_length=40)] | None = None
    since: AwareDatetime | None = Field(None, description="Filed at or after (with a zone)")
    claimant: Annotated[str, Field(max_length=64)] | None = Field(
        None, description="The claimant's Telegram user id or @username"
    )
    listing: Annotated[str, Field(max_length=2048)] | None = Field(
        None, description="A listing link the complaint names"
    )
    cursor: Annotated[str, Field(max_length=200)] | None = None
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT


class EventQuery(Query):
    after: Annotated[int, Field(ge=0)] = 0
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT


@dataclass(frozen=True)
class Call:
    """One request as a handler sees it."""

    request: web.Request
    actor: Actor
    case: Case | None
    body: BaseModel | None
    query: BaseModel | None


Handler = Callable[["Api", Call], Awaitable[Any]]


@dataclass(frozen=True)
class Endpoint:
    method: Literal["GET", "POST"]
    path: str
    handler: Handler
    scope: Scope
    summary: str
    response: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    media: str = "application/json"  # of the response
    status: int = 200

    @property
    def acts(self) -> bool:
        return self.method == "POST"

    @property
    def operation_id(self) -> str:
        return self.handler.__name__.strip("_")


def encode_cursor(position: Position) -> str:
    raw = json.dumps([to_iso(position[0]), position[1]]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, case_id = json.loads(raw)
        return from_iso(at), int(case_id)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as bad:
        raise ApiError(400, "bad_cursor", "The cursor is not one this API gave.") from bad


@dataclass
class Api:
    """What the handlers act through."""

    desk: CaseDesk
    kick: Callable[[], None]  # wake the outbox sender: something was queued

    @property
    def storage(self) -> Storage:
        return self.desk.storage

    def refused(self, refusal: ActionRefused) -> ApiError:
        t = texts(self.desk.settings.staff_lang)
        try:
            message = t.plain(refusal.code, **refusal.params)
        except MissingText:
            message = refusal.code
        return ApiError(409, refusal.code, message)

    # --- reading ---------------------------------------------------------------------------

    async def list_cases(self, call: Call) -> CasePage:
        query = call.query
        assert isinstance(query, CaseQuery)
        where = CaseFilter(status=query.status, right_type=query.right_type, since=query.since)
        if query.claimant is not None:
            who = query.claimant.strip()
            if who.lstrip("-").isdigit():
                where = replace(where, user_id=int(who))
            else:
                where = replace(where, username=who.removeprefix("@"))
        if query.listing is not None:
            checked = check_link(query.listing, self.desk.settings.link_rules)
            link = checked.value if isinstance(checked, Valid) else query.listing.strip()
            where = replace(where, link=link)
        after = decode_cursor(query.cursor) if query.cursor else None
        pages = CasePages(self.storage.db)
        cases, next_at = await pages.page(where, after=after, limit=query.limit)
        return CasePage(
            cases=[
                case_summary(c, await self.storage.cases.claimant_username(c.id)) for c in cases
            ],
            next_cursor=encode_cursor(next_at) if next_at else None,
        )

    async def get_case(self, call: Call) -> CaseDetail:
        assert call.case is not None
        return await case_detail(self.storage, call.case)

    async def dossier_pdf(self, call: Call) -> web.StreamResponse:
        case = call.case
        assert case is not None
        pdf = await build_pdf(case, lang=self.desk.settings.staff_lang, generated_at=None)
        name = f"{case.number}.pdf"
        return await _stream(call.request, pdf, "application/pdf", name)

    async def case_file(self, call: Call) -> web.StreamResponse:
        case = call.case
        assert case is not None
        sha256 = call.request.match_info["sha256"]
        extra = await self.storage.cases.files_of(case.id, SELLER_NOTICE_SECTION)
        known = case_files(case, extra)
        if sha256 not in known:
            raise not_found("file of this case")
        name, mime = known[sha256]
        data = await self.storage.files.read_async(sha256)
        return await _stream(call.request, data, mime or "application/octet-stream", name)

    async def list_events(self, call: Call) -> EventPage:
        query = call.query
        assert isinstance(query, EventQuery)
        settled = self.desk.clock() - EVENTS_SETTLE
        found = await self.storage.case_events.after(query.after, query.limit, settled=settled)
        return EventPage(
            events=[json.loads(e.body()) for e in found],
            next_after=found[-1].id if found else query.after,
        )

    # --- acting ----------------------------------------------------------------------------

    async def take(self, call: Call) -> ActionResult:
        assert call.case is not None
        try:
            case = await self.desk.take(call.case, call.actor)
        except ActionRefused as refusal:
            raise self.refused(refusal) from refusal
        self.kick()
        return ActionResult(case=await case_detail(self.storage, case))

    async def question(self, call: Call) -> QuestionResult:
        assert call.case is not None and isinstance(call.body, QuestionRequest)
        try:
            asked = await self.desk.ask(call.case, call.actor, call.body.question)
        except ActionRefused as refusal:
            raise self.refused(refusal) from refusal
        self.kick()
        case = await self.storage.cases.get(call.case.id)
        assert case is not None
        return QuestionResult(question_id=asked.id, case=await case_detail(self.storage, case))

    async def decide(self, call: Call) -> ActionResult:
        """Asked and confirmed at once (the call is the confirmation); the undo window then
        runs as after the buttons."""
        assert call.case is not None and isinstance(call.body, DecideRequest)
        decision = _decision(call.body, len(call.case.draft.links))
        try:
            proposed = await self.desk.propose(call.case, call.actor, decision)
            case, _ = await self.desk.confirm(proposed, call.actor)
        except ActionRefused as refusal:
            raise self.refused(refusal) from refusal
        self.kick()
        undo = self.desk.settings.decision_undo_seconds
        stands = self.desk.clock() + timedelta(seconds=undo)
        return ActionResult(case=await case_detail(self.storage, case), decision_stands_at=stands)

    async def listing_outcome(self, call: Call) -> OutcomeResult:
        assert call.case is not None and isinstance(call.body, OutcomeRequest)
        index = listing_index(call.request)
        reported = Reported(index, call.body.outcome, call.body.at, call.actor.name)
        try:
            case, changed = await self.desk.report_outcomes(call.case, call.actor, [reported])
        except ActionRefused as refusal:
            raise self.refused(refusal) from refusal
        self.kick()
        return OutcomeResult(changed=bool(changed), case=await case_detail(self.storage, case))


def listing_index(request: web.Request) -> int:
    raw = request.match_info["n"]
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise ApiError(404, "not_found", "No such listing (listings are numbered from 1).")
    return int(raw)


def _decision(body: DecideRequest, count: int) -> Decision:
    """The request as the workflow's `Decision` (422 when it does not fit the complaint)."""
    if body.decision == "accept":
        return Decision(note=body.note)
    if body.decision == "reject":
        if body.reason is None:
            raise ApiError(422, "invalid_request", "Rejecting every listing needs a `reason`.")
        return Decision(reason=body.reason, note=body.note)
    given = {item.index: item for item in body.listings or []}
    if sorted(given) != list(range(1, count + 1)) or len(given) != len(body.listings or []):
        raise ApiError(
            422,
            "invalid_request",
            f"`per_listing` needs one entry for each of the {count} listings.",
        )
    marks = []
    for index in range(1, count + 1):
        item = given[index]
        if not item.accept and item.reason is None:
            raise ApiError(422, "invalid_request", f"Listing {index} is rejected without a reason.")
        marks.append(ACCEPTED_MARK if item.accept else str(item.reason))
    return Decision(note=body.note, listings=tuple(marks))


async def _stream(request: web.Request, data: bytes, mime: str, name: str) -> web.StreamResponse:
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name) or "file"
    response = web.StreamResponse(
        headers={
            "Content-Type": mime,
            "Content-Disposition": f'attachment; filename="{safe}"',
            "Content-Length": str(len(data)),
        }
    )
    await response.prepare(request)
    for start in range(0, len(data), CHUNK):
        await response.write(data[start : start + CHUNK])
    await response.write_eof()
    return response


CASE = "/api/v1/cases/{case_id}"
ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "GET",
        "/api/v1/cases",
        Api.list_cases,
        Scope.READ,
        "List cases, oldest first",
        CasePage,
        query=CaseQuery,
    ),
    Endpoint("GET", CASE, Api.get_case, Scope.READ, "One case in full", CaseDetail),
    Endpoint(
        "GET",
        CASE + "/dossier.pdf",
        Api.dossier_pdf,
        Scope.READ,
        "The case's dossier PDF",
        media="application/pdf",
    ),
    Endpoint(
        "GET",
        CASE + "/files/{sha256}",
        Api.case_file,
        Scope.READ,
        "One file of the case, by its SHA-256",
        media="application/octet-stream",
    ),
    Endpoint(
        "GET",
        "/api/v1/events",
        Api.list_events,
        Scope.READ,
        "Case events after an id (the webhook's events, for polling)",
        EventPage,
        query=EventQuery,
    ),
    Endpoint(
        "POST",
        CASE + "/take",
        Api.take,
        Scope.DECIDE,
        "Take the case",
        ActionResult,
        TakeRequest,
    ),
    Endpoint(
        "POST",
        CASE + "/question",
        Api.question,
        Scope.DECIDE,
        "Ask the claimant a question (in Telegram)",
        QuestionResult,
        QuestionRequest,
    ),
    Endpoint(
        "POST",
        CASE + "/decide",
        Api.decide,
        Scope.DECIDE,
        "Accept or reject (every listing, or each)",
        ActionResult,
        DecideRequest,
    ),
    Endpoint(
        "POST",
        CASE + "/listings/{n}/outcome",
        Api.listing_outcome,
        Scope.DECIDE,
        "Report what became of an accepted listing",
        OutcomeResult,
        OutcomeRequest,
    ),
)


def parse_query(model: type[BaseModel], request: web.Request) -> BaseModel:
    values: dict[str, str] = {}
    for name in request.query:
        got = request.query.getall(name)
        if len(got) > 1:
            raise ApiError(422, "invalid_request", f"`{name}` given more than once.")
        values[name] = got[0]
    return model.model_validate(values)


__all__ = [
    "ENDPOINTS",
    "Api",
    "Call",
    "Endpoint",
    "ValidationError",
    "listing_index",
    "parse_query",
]
