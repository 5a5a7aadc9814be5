"""Drafts at every step of the flow, on every branch, as the engine itself leaves them.

Each path walks the flow from no draft at all with the sample answers of tests/samples.py, one
event at a time through `engine.handle`, saving only what the outcome says changed (as the
shell does). Every saved draft along the way is a state: a step when first reached, a links or
files step with an item in it, the review, a section reopened from the review (saved answers,
"Keep" buttons), the fresh start after each rejection. Paths cover the holder and the
representative, each right type and patent kind, both claim subjects, both languages and the
optional good-faith statement.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from dialogs.engine import handle
from dialogs.flow import FLOW, SECTIONS, STEPS
from dialogs.inputs import Command, Context, Input, Pressed, Typed, Uploaded
from dialogs.model import Draft, FileSection, Lang, StoredFile
from dialogs.progress import current_step
from dialogs.steps import Kind
from tests.samples import LISTING_LINK, TEXT_ANSWERS

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
USER = 7


def context(lang: Lang = "en", *, features: tuple[str, ...] = (), later: bool = False) -> Context:
    """The context of an event; `later`: the claimant comes back days after the last save."""
    now = NOW + timedelta(days=3) if later else NOW
    return Context(user_id=USER, chat_id=USER, now=now, lang_hint=lang, features=features)


@dataclass(frozen=True)
class Path:
    """One way through the flow: the choice at each choice step, the language, the features."""

    name: str
    choices: tuple[tuple[str, str], ...]
    lang: Lang = "en"
    features: tuple[str, ...] = ()

    def choice(self, step_id: str) -> str | None:
        return dict(self.choices).get(step_id)


def _path(name: str, lang: Lang = "en", features: tuple[str, ...] = (), **choices: str) -> Path:
    return Path(name, tuple(choices.items()), lang, features)


PATHS: tuple[Path, ...] = (
    _path("holder-trademark", role="holder", right_type="trademark"),
    _path(
        "representative-patent-invention",
        role="representative",
        right_type="patent",
        patent_kind="invention",
        claim_subject="other",
    ),
    _path(
        "holder-patent-industrial-design",
        role="holder",
        right_type="patent",
        patent_kind="industrial_design",
    ),
    _path(
        "representative-patent-utility-model",
        role="representative",
        right_type="patent",
        patent_kind="utility_model",
    ),
    _path("holder-copyright-other", role="holder", right_type="copyright", claim_subject="other"),
    _path("representative-copyright", role="representative", right_type="copyright"),
    _path(  # issue 15: a licensee citing two registrations in two offices, one certificate
        "licensee-non-exclusive-two-trademarks",
        role="licensee",
        licence_kind="non_exclusive",
        right_type="trademark",
        rights_number="№654321 и №765432",
        offices_same="each",
        rights_jurisdiction="Rospatent; WIPO",
    ),
    _path(
        "ru-representative-trademark-good-faith",
        lang="ru",
        features=("good_faith",),
        role="representative",
        right_type="trademark",
    ),
)


@dataclass(frozen=True)
class State:
    """A saved draft (None: the claimant has none yet) and the context its events come in."""

    label: str
    draft: Draft | None
    lang: Lang
    features: tuple[str, ...]

    @property
    def step(self) -> str:
        return "(none)" if self.draft is None else self.draft.step

    def ctx(self, *, later: bool = False) -> Context:
        return context(self.lang, features=self.features, later=later)


def sample_file(n: int, section: FileSection, name: str = "scan.pdf") -> StoredFile:
    return StoredFile(
        sha256=f"{n:064x}",
        name=name,
        mime="application/pdf",
        size=1000 + n,
        section=section,
        received_at=NOW,
    )


class _Walker:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.ctx = context(path.lang, features=path.features)
        self.draft: Draft | None = None
        self.files = 0
        self.states: list[State] = []

    def send(self, event: Input) -> None:
        outcome = handle(self.draft, event, self.ctx)
        if not outcome.changed:
            return
        if outcome.draft is None:
            self.draft = None
            return
        # What storage would hand back: the next revision, stamped with the time of the save.
        self.draft = outcome.draft.model_copy(
            update={"revision": outcome.draft.revision + 1, "updated_at": self.ctx.now}
        )
        self.record()

    def record(self, label: str = "") -> None:
        assert self.draft is not None
        name = f"{self.path.name}:{self.draft.step}{':' + label if label else ''}"
        self.states.append(State(name, self.draft, self.path.lang, self.path.features))

    def answer(self) -> None:
        """Answer the current step as a claimant following this path would."""
        if self.draft is None:
            self.send(Command("start"))
            return
        step = current_step(self.draft)
        match step.kind:
            case Kind.INFO:
                self.send(Pressed(f"a:{step.id}:go"))
            case Kind.CHOICE:
                fallback = next(o.id for o in step.options if not o.reject)
                self.send(Pressed(f"a:{step.id}:{self.path.choice(step.id) or fallback}"))
            case Kind.TEXT:
                self.send(Typed(self.path.choice(step.id) or TEXT_ANSWERS[step.id]))
            case Kind.LINKS:
                self.send(Typed(LISTING_LINK))
                self.send(Pressed(f"d:{step.id}:"))
            case Kind.FILES:
                assert step.file_section is not None
                self.files += 1
                self.send(Uploaded(sample_file(self.files, step.file_section, f"{step.id}.pdf")))
                self.send(Pressed(f"d:{step.id}:"))
            case Kind.CONFIRM:
                self.send(Pressed(f"c:{step.id}:"))
            case Kind.PICK:  # one option switched (the phone for the seller), then Done
                self.send(Pressed(f"a:{step.id}:{step.options[2].id}"))
                self.send(Pressed(f"d:{step.id}:"))
            case _:
                raise AssertionError(f"cannot answer {step.id}")

    def walk_to(self, step_id: str) -> None:
        for _ in range(100):
            if self.draft is not None and self.draft.step == step_id:
                return
            before = self.draft
            self.answer()
            assert self.draft != before, f"stuck at {before and before.step} on {self.path.name}"
        raise AssertionError(f"{self.path.name} never reached {step_id}")


def _walk(path: Path) -> list[State]:
    walker = _Walker(path)
    walker.walk_to("review")
    review = walker.draft
    assert review is not None
    # Every section reopened from the review: its saved answers come with "Keep".
    for section in SECTIONS:
        walker.draft = review
        walker.send(Pressed(f"e:review:{section.id}"))
    # Each rejection: the fresh start it leaves (with /back to the mis-tapped question).
    for step in FLOW:
        for option in step.options:
            if option.reject:
                rejected = _Walker(path)
                rejected.walk_to(step.id)
                rejected.send(Pressed(f"a:{step.id}:{option.id}"))
                walker.states.extend(
                    State(f"{s.label}:rejected-{option.reject}", s.draft, s.lang, s.features)
                    for s in rejected.states[-1:]
                )
    return walker.states


@cache
def all_states() -> tuple[State, ...]:
    """Every state of every path, the same draft reached twice kept once; and no draft."""
    states: list[State] = [State("(none)", None, "en", ()), State("(none)-ru", None, "ru", ())]
    seen: set[str] = set()
    for path in PATHS:
        for state in _walk(path):
            assert state.draft is not None
            key = state.draft.model_dump_json(exclude={"revision", "created_at", "updated_at"})
            if key not in seen:
                seen.add(key)
                states.append(state)
    return tuple(states)


def states_at(step_id: str) -> tuple[State, ...]:
    return tuple(s for s in all_states() if s.step == step_id)


# Every step of the flow, and "no draft yet": the parameters of the step-wise properties.
STEP_IDS: tuple[str, ...] = ("(none)", *STEPS)


def iter_buttons(state: State) -> Iterator[str]:
    """Callback data of every button drawn at this state (the step, /cancel, /language…)."""
    for event in (Command("help"), Command("start"), Command("cancel"), Command("language")):
        outcome = handle(state.draft, event, state.ctx())
        for reply in outcome.replies:
            for row in reply.buttons:
                for b in row:
                    yield b.data
