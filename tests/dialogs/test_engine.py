"""The intake engine driven as the shells drive it: one event at a time, saving only changes.

`Session` plays the shell: it keeps the saved draft, replaces it only when the outcome says
`changed`, and checks on every outcome what a claimant would otherwise see break (invalid
Telegram HTML, callback data over 64 bytes, a refused input that still altered the draft).
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from dialogs.buttons import MAX_CALLBACK_BYTES, ButtonData
from dialogs.engine import handle, show_current
from dialogs.flow import FLOW, STEPS
from dialogs.i18n import texts
from dialogs.inputs import (
    Command,
    Context,
    Input,
    Pressed,
    Typed,
    Unsupported,
    Uploaded,
    UploadRefused,
)
from dialogs.model import Draft, FileSection, StoredFile
from dialogs.replies import Reply
from dialogs.steps import Kind
from dialogs.turn import Turn
from dialogs.validators import Invalid
from tests.samples import LISTING_LINK, TEXT_ANSWERS

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
LINK = LISTING_LINK

GOOD_TEXT = TEXT_ANSWERS


# --- a tiny Telegram-HTML checker -------------------------------------------------------

ALLOWED_TAGS = {"b", "i", "u", "s", "code", "pre", "a"}
_TAG_RE = re.compile(r"<(/?)([A-Za-z0-9-]*)([^<>]*)>")
_ENTITY_RE = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9A-Fa-f]+);")
_HREF_RE = re.compile(r'^\s+href="[^"<>]*"\s*$')


def _check_plain(segment: str, text: str) -> None:
    assert "<" not in segment and ">" not in segment, f"stray < or > in {text!r}"
    for match in re.finditer("&", segment):
        assert _ENTITY_RE.match(segment, match.start()), f"bare & in {text!r}"


def assert_telegram_html(text: str) -> None:
    """Only b, i, u, s, code, pre and a href; balanced and nested; entities escaped."""
    stack: list[str] = []
    position = 0
    for tag in _TAG_RE.finditer(text):
        _check_plain(text[position : tag.start()], text)
        position = tag.end()
        closing, name, attrs = tag.group(1), tag.group(2).lower(), tag.group(3)
        assert name in ALLOWED_TAGS, f"tag <{name}> not allowed in {text!r}"
        if closing:
            assert not attrs.strip(), f"attributes on a closing tag in {text!r}"
            assert stack and stack.pop() == name, f"unbalanced </{name}> in {text!r}"
        else:
            if name == "a":
                assert _HREF_RE.match(attrs), f"<a> needs exactly href in {text!r}"
            else:
                assert not attrs.strip(), f"attributes on <{name}> in {text!r}"
            stack.append(name)
    _check_plain(text[position:], text)
    assert not stack, f"unclosed {stack} in {text!r}"


def test_html_checker_itself():
    assert_telegram_html('<b>x</b> <a href="https://e.x/?a=1&amp;b=2">y</a> &lt;&gt; &#39;')
    for bad in ("<b>x", "<b><i>x</b></i>", "<script>x</script>", "a & b", "a < b", "<p>x</p>"):
        with pytest.raises(AssertionError):
            assert_telegram_html(bad)


# --- the shell, simulated ---------------------------------------------------------------


def context(lang: str = "en", now: datetime = NOW) -> Context:
    return Context(user_id=7, chat_id=70, now=now, lang_hint=lang)  # type: ignore[arg-type]


def stored(n: int, name: str = "photo.jpg", section: FileSection = FileSection.EVIDENCE):
    return StoredFile(
        sha256=f"{n:064x}", name=name, mime="image/jpeg", size=100 + n, section=section
    )


def check_outcome(before: Draft | None, outcome: Turn) -> None:
    if before is not None and not outcome.changed:
        assert outcome.draft == before, "a refused or neutral event altered the draft"
    for reply in outcome.replies:
        assert reply.text.strip(), "an empty reply"
        assert_telegram_html(reply.text)
        for row in reply.buttons:
            for b in row:
                assert b.label.strip()
                assert len(b.data.encode()) <= MAX_CALLBACK_BYTES, b.data
                assert ButtonData.decode(b.data) is not None, b.data


class Session:
    def __init__(self, lang: str = "en", now: datetime = NOW) -> None:
        self.ctx = context(lang, now)
        self.draft: Draft | None = None
        self.seen: list[str] = []  # the step ids shown, in order

    def send(self, event: Input) -> Turn:
        before = self.draft
        outcome = handle(before, event, self.ctx)
        check_outcome(before, outcome)
        if outcome.changed and outcome.draft is not None:  # the shell stamps what it saves
            self.draft = outcome.draft.model_copy(update={"updated_at": self.ctx.now})
        elif outcome.changed:
            self.draft = None
        if self.draft is not None and (not self.seen or self.seen[-1] != self.draft.step):
            self.seen.append(self.draft.step)
        return outcome

    def press(self, data: str) -> Turn:
        return self.send(Pressed(data))

    def text(self, text: str) -> Turn:
        return self.send(Typed(text))

    def command(self, name: str) -> Turn:
        return self.send(Command(name))

    def upload(self, file: StoredFile, *, quiet: bool = False) -> Turn:
        return self.send(Uploaded(file, quiet=quiet))

    @property
    def step(self) -> str:
        assert self.draft is not None
        return self.draft.step


def answer_current(s: Session, choices: dict[str, str], counter: list[int]) -> None:
    if s.draft is None:
        s.command("start")
        return
    step = STEPS[s.step]
    match step.kind:
        case Kind.INFO:
            s.press(f"a:{step.id}:go")
        case Kind.CHOICE:
            fallback = next(o.id for o in step.options if not o.reject)
            s.press(f"a:{step.id}:{choices.get(step.id, fallback)}")
        case Kind.TEXT:
            s.text(GOOD_TEXT[step.id])
        case Kind.LINKS:
            s.text(LINK)
            s.press(f"d:{step.id}:")
        case Kind.FILES:
            counter[0] += 1
            s.upload(stored(counter[0], f"{step.id}.pdf"))
            s.press(f"d:{step.id}:")
        case Kind.CONFIRM:
            s.press(f"c:{step.id}:")
        case Kind.PICK:  # the defaults, as they are
            s.press(f"d:{step.id}:")
        case _:
            raise AssertionError(f"cannot answer {step.id}")


def walk(s: Session, until: str, **choices: str) -> Session:
    counter = [0]
    for _ in range(80):
        if s.draft is not None and s.step == until:
            return s
        before = s.draft
        answer_current(s, choices, counter)
        assert s.draft != before or s.draft is None, f"stuck at {before and before.step}"
    raise AssertionError(f"never reached {until}; seen {s.seen}")


def session_at(step: str, lang: str = "en", **choices: str) -> Session:
    return walk(Session(lang), step, **choices)


def all_text(outcome: Turn) -> str:
    return "\n".join(r.text for r in outcome.replies)


def datas(outcome: Turn | Reply) -> list[str]:
    replies = outcome.replies if isinstance(outcome, Turn) else [outcome]
    return [b.data for r in replies for row in r.buttons for b in row]


def last(outcome: Turn) -> Reply:
    return outcome.replies[-1]


# --- rejections -------------------------------------------------------------------------

REJECTIONS = [
    ("a:screen_listing:no", "no_listing", "particular infringement"),
    ("a:screen_matter:distributor", "distributor", "distributor"),
    ("a:screen_matter:resale", "resale", "civil circulation"),
    ("a:screen_matter:advice", "advice", "legal opinions or advice"),
]


@pytest.mark.parametrize(("press", "reason", "phrase"), REJECTIONS)
def test_rejection_says_why_resets_and_start_again_works(press, reason, phrase):
    s = session_at(press.split(":")[1])
    s.draft = s.draft.model_copy(update={"answers": {"screen_listing": "yes"}})
    outcome = s.press(press)
    assert outcome.changed
    (reply,) = outcome.replies
    assert phrase in reply.text
    assert "What you can do" in reply.text
    assert reply.text == texts("en")(f"reject-{reason}", platform="AliExpress", country="RU")
    assert datas(reply) == ["a:welcome:go"]
    assert reply.buttons[0][0].label == "Start again"
    fresh = outcome.draft
    assert (fresh.step, fresh.answers) == ("welcome", {})
    # Only the question that was answered is remembered, so /back undoes a mis-tap.
    assert fresh.history == [press.split(":")[1]]
    assert (fresh.user_id, fresh.chat_id) == (7, 70)
    again = s.press("a:welcome:go")
    assert s.step == "screen_listing"
    assert "particular listing" in last(again).text


def test_back_after_a_refusal_returns_to_the_mis_tapped_question():
    s = session_at("screen_matter")
    s.press("a:screen_matter:resale")
    back = s.command("back")
    assert back.changed and s.step == "screen_matter"
    assert "What is your complaint about?" in last(back).text
    s.press("a:screen_matter:infringement")
    assert s.step == "role"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_resale_is_refused_only_for_goods_put_into_circulation_in_the_country(lang):
    """Parallel import (goods first put on the market abroad) is an infringement the platform
    considers: the screening names the country, and says so."""
    s = session_at("screen_matter", lang)
    question = last(s.command("help"))
    resale = next(b.label for row in question.buttons for b in row if b.data.endswith("resale"))
    assert ("Russia" if lang == "en" else "России") in resale
    assert ("abroad" if lang == "en" else "за рубежом") in question.text
    refused = s.press("a:screen_matter:resale")
    assert ("in Russia" if lang == "en" else "в России") in refused.replies[0].text
    kz = session_at("screen_matter", lang)
    kz.ctx = replace(kz.ctx, circulation_country="KZ")
    label = next(
        b.label for row in last(kz.command("help")).buttons for b in row if "resale" in b.data
    )
    assert ("Kazakhstan" if lang == "en" else "Казахстане") in label


def test_rejection_in_russian():
    s = session_at("screen_listing", "ru")
    outcome = s.press("a:screen_listing:no")
    assert "Начать заново" in outcome.replies[0].buttons[0][0].label
    assert outcome.draft.lang == "ru"
    assert outcome.replies[0].text == texts("ru")(
        "reject-no_listing", platform="AliExpress", country="RU"
    )


# --- validators hooked to text steps ----------------------------------------------------

VALIDATED = [
    ("rights_number", {}, "№ 123456", "123456", "abc", "err-regnum-invalid"),
    ("rights_jurisdiction", {}, "  EUIPO  ", "EUIPO", "x", "err-text-too-short"),
    (
        "work_description",
        {"right_type": "copyright"},
        "A poem",
        "A poem",
        "!",
        "err-text-too-short",
    ),
    ("rights_holder", {}, "Acme  LLC", "Acme LLC", "https://acme.com", "err-org-has-url"),
    (
        "infringement_description",
        {},
        "They copy our logo",
        "They copy our logo",
        "y" * 2001,
        "err-text-too-long",
    ),
    ("claim_subject_other", {"claim_subject": "other"}, "Ban", "Ban", " ", "err-text-too-short"),
    ("evidence_note", {}, "See p. 2", "See p. 2", "?", "err-text-too-short"),
    ("contact_name", {}, "Ivan  Petrov", "Ivan Petrov", "12345", "err-name-no-letters"),
    ("contact_org", {}, "Acme Law", "Acme Law", "1", "err-org-too-short"),
    ("contact_email", {}, "ivan@example.com", "ivan@example.com", "bad email", "err-email-invalid"),
    ("contact_phone", {}, "8 916 123-45-67", "+79161234567", "12", "err-phone-invalid"),
]


@pytest.mark.parametrize(("step", "choices", "good", "saved", "bad", "code"), VALIDATED)
def test_text_step_validation(step, choices, good, saved, bad, code):
    s = session_at(step, **choices)
    draft = s.draft
    refused = s.text(bad)
    assert refused.changed is False
    assert refused.draft == draft
    # One or two lines; the question stays where it is on the screen, not drawn again.
    (warning,) = refused.replies
    assert warning.text.startswith("⚠️ ")
    verdict = STEPS[step].validator(bad)
    assert verdict.code == code
    assert warning.text == "⚠️ " + texts("en")(code, platform="AliExpress", **verdict.params)
    assert texts("en")(f"ask-{step}", **_args(draft))[:20] not in warning.text
    accepted = s.text(good)
    assert accepted.changed
    assert s.draft.answers[step] == saved
    assert s.step != step


def _args(draft: Draft) -> dict[str, object]:
    from dialogs.render import catalog_args

    return catalog_args(draft, context())


@pytest.mark.parametrize(
    ("lang", "step", "bad", "phrase"),
    [
        ("en", "contact_email", "not an email", "does not look like an email address"),
        ("ru", "contact_email", "not an email", "не похоже на адрес email"),
        ("en", "rights_holder", "x", "too short (at least 2 characters)"),
        ("ru", "rights_holder", "x", "2"),
        ("ru", "rights_number", "???", "номер"),
    ],
)
def test_validation_errors_in_the_users_language(lang, step, bad, phrase):
    s = session_at(step, lang)
    draft = s.draft
    outcome = s.text(bad)
    assert outcome.draft == draft and not outcome.changed
    assert phrase in outcome.replies[0].text
    if lang == "ru":
        assert re.search("[а-яА-Я]", outcome.replies[0].text)
    assert len(outcome.replies) == 1 and outcome.replies[0].text.count("\n") <= 1


# --- input of the wrong kind ------------------------------------------------------------

WRONG_KIND = [
    ("welcome", Typed("hello"), "Start"),
    ("role", Typed("I am the holder"), "choose one of the buttons"),
    ("contact_name", Unsupported("sticker"), "answer with a text message"),
    ("contact_name", Uploaded(stored(99)), "answer with a text message"),
    ("links", Uploaded(stored(99)), "listing link(s) as text"),
    ("links", Unsupported("voice"), "listing link(s) as text"),
    ("evidence_files", Typed("here are my files"), "send files"),
    ("evidence_files", Unsupported("location"), "send files"),
    ("disclosure", Typed("ok"), "use the buttons"),
    ("review", Typed("submit please"), "change a section or submit"),
    ("review", Uploaded(stored(99)), "change a section or submit"),
]


@pytest.mark.parametrize(("step", "event", "phrase"), WRONG_KIND)
def test_wrong_kind_of_input_changes_nothing_and_helps(step, event, phrase):
    s = session_at(step)
    draft = s.draft
    outcome = s.send(event)
    assert outcome.changed is False and outcome.draft == draft
    assert phrase in outcome.replies[0].text
    # Only the explanation, a line or two: the question is still on the screen above.
    assert len(outcome.replies) == 1 and outcome.replies[0].text.count("\n") <= 1


def test_upload_refused_by_the_shell_is_explained():
    s = session_at("evidence_files")
    draft = s.draft
    error = Invalid("err-file-too-big", {"size_mb": "30", "limit_mb": "20"})
    outcome = s.send(UploadRefused(error))
    assert not outcome.changed and outcome.draft == draft
    assert "30 MB; the limit is 20 MB" in outcome.replies[0].text


# --- links ------------------------------------------------------------------------------


def test_several_links_one_verdict_line_each_canonical_stored():
    s = session_at("links")
    message = (
        "https://m.aliexpress.ru/item/1005001.html?spm=abc\n"
        "https://aliexpress.com/item/1005002.html, google.com/x\n"
        "https://aliexpress.ru/wholesale?SearchText=bag"
    )
    outcome = s.text(message)
    assert outcome.changed
    report = outcome.replies[0].text.split("\n\n")[0].split("\n")
    assert len(report) == 4
    assert report[0] == "✅ https://aliexpress.ru/item/1005001.html"
    assert report[1] == "✅ https://aliexpress.ru/item/1005002.html"
    assert report[2].startswith("❌ google.com/x — google.com is not AliExpress")
    assert report[3].startswith("❌ https://aliexpress.ru/wholesale?SearchText=bag — ")
    assert "search page" in report[3]
    assert s.draft.links == [
        "https://aliexpress.ru/item/1005001.html",
        "https://aliexpress.ru/item/1005002.html",
    ]
    # The verdicts and where the step stands, in one message, without the question again.
    (reply,) = outcome.replies
    assert "Links saved: 2" in reply.text and "direct link to each" not in reply.text
    assert "d:links:" in datas(outcome) and "z:links:?" in datas(outcome)


def test_duplicate_links_are_dropped():
    s = session_at("links")
    s.text(f"{LINK} {LINK}?spm=1")
    assert s.draft.links == [LINK]
    draft = s.draft
    again = s.text("https://www.aliexpress.ru/item/1005001234567890.html")
    assert not again.changed and again.draft == draft
    assert "already added" in again.replies[0].text
    s.text(f"{LINK} https://aliexpress.ru/item/42.html")
    assert s.draft.links == [LINK, "https://aliexpress.ru/item/42.html"]


def test_links_done_without_links_is_refused_and_clear_works():
    s = session_at("links")
    draft = s.draft
    refused = s.press("d:links:")
    assert not refused.changed and refused.draft == draft
    assert "at least one listing link" in refused.replies[0].text
    nothing = s.text("no links here, sorry")
    assert not nothing.changed and "at least one listing link" in nothing.replies[0].text
    s.text(LINK)
    cleared = s.press("z:links:")
    assert cleared.changed and s.draft.links == []
    assert "Removed: 1" in cleared.replies[0].text


def test_one_link_is_removed_and_the_rest_stay():
    s = session_at("links")
    s.text(f"{LINK}\nhttps://aliexpress.ru/item/42.html\nhttps://aliexpress.ru/item/43.html")
    draft = s.draft
    picker = s.press("z:links:?")
    assert not picker.changed and s.draft == draft
    (reply,) = picker.replies
    assert "2. https://aliexpress.ru/item/42.html" in reply.text
    labels = [b.label for row in reply.buttons for b in row]
    assert labels[:3] == ["✖ 1", "✖ 2", "✖ 3"] and "Remove all 3 links" in labels
    second = reply.buttons[0][1].data
    removed = s.press(second)
    assert removed.changed
    assert s.draft.links == [LINK, "https://aliexpress.ru/item/43.html"]
    assert "Removed: 1" in removed.replies[0].text
    # The same button again (an old message): nothing more goes.
    again = s.press(second)
    assert not again.changed and len(s.draft.links) == 2
    keep = s.press("t:links:")
    assert not keep.changed and len(s.draft.links) == 2


def test_link_text_is_escaped():
    s = session_at("links")
    outcome = s.text("https://evil.example/<script>?a=1&b=2")
    assert "<script>" not in all_text(outcome)
    assert "&lt;script&gt;" in all_text(outcome) and "&amp;b=2" in all_text(outcome)


# --- files ------------------------------------------------------------------------------


def test_upload_is_stored_in_the_steps_section_and_duplicates_are_not_added():
    s = session_at("rights_docs")
    evidence = list(s.draft.files)
    outcome = s.upload(stored(50, "certificate.pdf", FileSection.EVIDENCE))
    assert outcome.changed
    assert s.draft.files[-1].section is FileSection.RIGHTS_DOCS
    assert s.draft.files[:-1] == evidence
    (reply,) = outcome.replies
    assert "Received “certificate.pdf”" in reply.text and "1 file: certificate.pdf" in reply.text
    assert "d:rights_docs:" in datas(outcome) and "Send the" not in reply.text
    draft = s.draft
    duplicate = s.upload(stored(50, "copy.pdf"))
    assert not duplicate.changed and duplicate.draft == draft
    assert "already attached" in duplicate.replies[0].text
    quiet_duplicate = s.upload(stored(50, "copy.pdf"), quiet=True)
    # In an album the shell folds this note into the album's single answer.
    assert not quiet_duplicate.changed and quiet_duplicate.draft == draft
    assert [r.text for r in quiet_duplicate.replies] == [duplicate.replies[0].text]


def test_files_done_without_files_is_refused():
    s = session_at("evidence_files")
    draft = s.draft
    outcome = s.press("d:evidence_files:")
    assert not outcome.changed and outcome.draft == draft
    assert "at least one file" in outcome.replies[0].text


def test_clear_removes_only_this_sections_files():
    s = session_at("rights_docs")
    s.upload(stored(60, "a.pdf"))
    s.upload(stored(61, "b.pdf"))
    evidence = s.draft.files_in(FileSection.EVIDENCE)
    assert evidence and len(s.draft.files_in(FileSection.RIGHTS_DOCS)) == 2
    outcome = s.press("z:rights_docs:")
    assert outcome.changed
    assert s.draft.files_in(FileSection.RIGHTS_DOCS) == []
    assert s.draft.files_in(FileSection.EVIDENCE) == evidence
    assert s.step == "rights_docs"


def test_one_file_is_removed_and_the_others_stay():
    s = session_at("rights_docs")
    s.upload(stored(60, "a.pdf"))
    s.upload(stored(61, "b.pdf"))
    picker = s.press("z:rights_docs:?")
    assert "1. a.pdf\n2. b.pdf" in picker.replies[0].text
    s.press(picker.replies[0].buttons[0][0].data)
    assert [f.name for f in s.draft.files_in(FileSection.RIGHTS_DOCS)] == ["b.pdf"]
    assert s.draft.files_in(FileSection.EVIDENCE)


def test_album_uploads_are_saved_quietly_then_summarised():
    s = session_at("evidence_files")
    for n in (70, 71, 72):
        outcome = s.upload(stored(n, f"{n}.jpg"), quiet=True)
        assert outcome.replies == [] and outcome.changed
    assert [f.name for f in s.draft.files_in(FileSection.EVIDENCE)] == [
        "70.jpg",
        "71.jpg",
        "72.jpg",
    ]
    summary = show_current(s.draft, s.ctx, album=3)
    check_outcome(s.draft, summary)
    assert "Received 3 files from the album" in summary.replies[0].text
    assert "3 files: 70.jpg, 71.jpg, 72.jpg" in summary.replies[1].text


# --- commands ---------------------------------------------------------------------------


def test_back_keeps_answers_and_offers_keep():
    s = session_at("rights_holder")
    answers = dict(s.draft.answers)
    outcome = s.command("back")
    assert outcome.changed and s.step == "rights_jurisdiction"
    assert s.draft.answers == answers
    assert "Saved answer: <i>Russia — Rospatent</i>" in last(outcome).text
    assert "k:rights_jurisdiction:" in datas(outcome)
    s.press("k:rights_jurisdiction:")
    assert s.step == "rights_holder" and s.draft.answers == answers


def test_back_button_works_like_the_command():
    s = session_at("contact_email")
    outcome = s.press("b:contact_email:")
    assert s.step == "contact_org" and outcome.changed


def test_back_at_the_first_step_says_so():
    s = Session()
    s.command("start")
    draft = s.draft
    outcome = s.command("back")
    assert not outcome.changed and outcome.draft == draft
    assert outcome.replies[0].text == "This is the first step."


def test_cancel_asks_then_yes_discards():
    s = session_at("contact_name")
    draft = s.draft
    asked = s.command("cancel")
    assert not asked.changed and asked.draft == draft
    assert datas(asked) == ["x::yes", "x::no"]
    kept = s.press("x::no")
    assert not kept.changed and s.draft == draft
    assert "full name" in last(kept).text
    gone = s.press("x::yes")
    assert gone.changed and gone.replies[0].text == "Your draft was discarded."
    assert (s.step, s.draft.answers, s.draft.links, s.draft.files) == ("welcome", {}, [], [])


def test_language_switch_rerenders_in_the_new_language():
    s = session_at("contact_email")
    asked = s.command("language")
    assert datas(asked) == ["l::en", "l::ru"]
    switched = s.press("l::ru")
    assert switched.changed and s.draft.lang == "ru"
    assert "Шаг 9 из 10" in last(switched).text and "email" in last(switched).text
    assert s.draft.answers == asked.draft.answers
    refused = s.text("bad")
    assert "не похоже" in refused.replies[0].text
    same = s.press("l::ru")
    assert not same.changed


def test_help_and_unknown_command():
    s = session_at("role")
    draft = s.draft
    helped = s.command("help")
    assert not helped.changed and helped.draft == draft
    assert "/back" in helped.replies[0].text and "legal opinions" in helped.replies[0].text
    assert "/status" in helped.replies[0].text and "/case" in helped.replies[0].text
    assert "Who are you" in helped.replies[1].text
    unknown = s.command("frobnicate")
    assert not unknown.changed and "do not know that command" in unknown.replies[0].text


def test_start_fresh_shows_welcome():
    s = Session("ru")
    outcome = s.command("start")
    assert outcome.changed and s.step == "welcome" and s.draft.lang == "ru"
    assert datas(outcome) == ["a:welcome:go", "l::en"]


def test_start_with_a_draft_offers_continue_or_restart():
    s = session_at("contact_name")
    draft = s.draft
    offer = s.command("start")
    assert not offer.changed and offer.draft == draft
    assert "Contact details" in offer.replies[0].text
    assert datas(offer) == ["r::continue", "r::restart"]
    resumed = s.press("r::continue")
    assert not resumed.changed and "full name" in last(resumed).text
    restarted = s.press("r::restart")
    assert restarted.changed and s.step == "welcome" and s.draft.answers == {}


def test_start_at_the_first_question_then_start_button_works():
    saved = session_at("screen_listing").draft
    outcome = handle(saved, Command("start"), context())
    assert "a:welcome:go" in datas(outcome)
    if outcome.changed:  # the shell saves only a changed draft
        saved = outcome.draft
    pressed = handle(saved, Pressed("a:welcome:go"), context())
    assert pressed.toast is None
    assert pressed.draft.step == "screen_listing"


# --- stale and forged buttons -----------------------------------------------------------


def test_stale_button_changes_nothing():
    s = session_at("contact_email")
    draft = s.draft
    outcome = s.press("a:role:representative")
    assert not outcome.changed and outcome.draft == draft
    assert outcome.toast == "That button is out of date."
    assert "earlier message" in outcome.replies[0].text
    assert "email" in last(outcome).text


@pytest.mark.parametrize(
    "data",
    [
        "",
        "garbage",
        "a:role",
        "a:role:holder:extra",
        "q:contact_email:",
        "a:contact_email:x",
        "s:contact_email:",
        "c:contact_email:",
        "e:review:contacts",
        "u:review:",
        "d:contact_email:",
        "x::bogus",
        "l::de",
        "r::later",
        "a:contact_email:" + "💥" * 30,
    ],
)
def test_forged_or_garbage_button_changes_nothing(data):
    s = session_at("contact_email")
    draft = s.draft
    outcome = s.press(data)
    assert not outcome.changed and outcome.draft == draft
    assert "earlier message" in outcome.replies[0].text or data.startswith("z:")
    assert not outcome.submit


@pytest.mark.parametrize("data", ["e:review:nonexistent", "e:review:", "a:review:x"])
def test_forged_button_at_review(data):
    s = session_at("review")
    draft = s.draft
    outcome = s.press(data)
    assert not outcome.changed and outcome.draft == draft
    assert "earlier message" in outcome.replies[0].text


def test_forged_keep_at_review_does_not_crash():
    s = session_at("review")
    draft = s.draft
    outcome = s.press("k:review:")
    assert not outcome.changed and outcome.draft == draft


def test_forged_keep_on_an_unanswered_step_is_refused():
    s = session_at("screen_listing")
    draft = s.draft
    outcome = s.press("k:screen_listing:")
    assert not outcome.changed and outcome.draft == draft


# --- confirmations ----------------------------------------------------------------------


def test_disclosure_comes_before_the_three_confirmations():
    s = session_at("review")
    order = [step for step in s.seen if STEPS[step].kind is Kind.CONFIRM]
    assert order == [
        "disclosure",
        "confirm_data_processing",
        "confirm_third_party",
        "confirm_authorised",
    ]
    assert s.seen.index("contact_phone") + 1 == s.seen.index("disclosure")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_each_confirmation_stores_the_exact_wording_shown(lang):
    s = session_at("disclosure", lang)
    later = NOW + timedelta(minutes=5)
    s.ctx = context(lang, later)
    shown = last(s.command("help"))
    assert "may" in shown.text or "может" in shown.text
    assert not any(d.startswith("n:") for d in datas(shown))  # a notice, not a choice
    for key in ("disclosure", "confirm_data_processing", "confirm_third_party"):
        if s.step == "seller_contacts":  # issue 15: which contacts the seller sees, between
            shown = last(s.press("d:seller_contacts:"))
        assert s.step == key
        shown_text = re.search(r"<i>(.*)</i>", shown.text, re.S).group(1)
        shown = last(s.press(f"c:{key}:"))
        confirmation = s.draft.confirmations[key]
        assert confirmation.text == html.unescape(shown_text)
        assert (confirmation.key, confirmation.lang, confirmation.at) == (key, lang, later)
    assert (
        "https://aliexpress.ru/policy/privacy"
        in s.draft.confirmations["confirm_data_processing"].text
    )


def test_not_confirming_explains_and_changes_nothing():
    s = session_at("confirm_third_party")
    draft = s.draft
    outcome = s.press("n:confirm_third_party:")
    assert not outcome.changed and outcome.draft == draft
    assert "Without this confirmation" in outcome.replies[0].text
    assert "c:confirm_third_party:" in datas(outcome)


# --- review, editing, submission --------------------------------------------------------


def test_review_lists_every_answer_and_offers_submit():
    s = session_at("review", right_type="patent", patent_kind="utility_model")
    review = last(s.command("help"))
    for step in ("rights_number", "rights_jurisdiction", "rights_holder", "contact_email"):
        assert html.escape(s.draft.answers[step], quote=False) in review.text
    for label in (
        "Filed by: the right holder",
        "Patent for: utility model",
        "Listing links:",
        "Phone: +7 916 123-45-67",
    ):
        assert label in review.text
    assert LINK in review.text and "rights_docs.pdf" in review.text
    # All four on one line (issue 15: the review fits two phone screens); stored 12:00 UTC,
    # shown in Moscow.
    assert "All 4 confirmed, 2024-05-01 15:00 MSK" in review.text
    assert "Everything needed is here" in review.text
    assert datas(review)[0] == "u:review:"
    assert "e:review:screening" not in datas(review)
    submitted = s.press("u:review:")
    assert submitted.submit is True and not submitted.changed and submitted.draft == s.draft


def test_review_says_what_is_missing_and_withholds_submit():
    s = session_at("review")
    answers = {k: v for k, v in s.draft.answers.items() if k != "contact_email"}
    draft = s.draft.model_copy(update={"answers": answers, "links": []})
    outcome = handle(draft, Command("help"), context())
    check_outcome(draft, outcome)
    review = last(outcome)
    assert "Still missing (2):" in review.text
    assert "• Email" in review.text and "• Listing links" in review.text
    assert "u:review:" not in datas(review)
    forged = handle(draft, Pressed("u:review:"), context())
    assert not forged.submit and not forged.changed and forged.draft == draft


def test_edit_a_section_from_review_keeps_the_rest():
    s = session_at("review")
    before = dict(s.draft.answers)
    outcome = s.press("e:review:contacts")
    assert outcome.changed and s.step == "contact_name"
    assert "Saved answer: <i>Ivan Petrov</i>" in last(outcome).text
    assert "k:contact_name:" in datas(outcome)
    s.press("k:contact_name:")
    s.press("k:contact_org:")
    s.text("new@example.com")
    back = s.press("k:contact_phone:")
    assert s.step == "review"
    assert s.draft.answers == {**before, "contact_email": "new@example.com"}
    assert "new@example.com" in last(back).text and "u:review:" in datas(back)


def test_edit_a_choice_section_marks_the_saved_choice():
    s = session_at("review")
    outcome = s.press("e:review:filer")
    assert s.step == "role"
    labels = [b.label for row in last(outcome).buttons for b in row]
    assert labels[0].startswith("✓ ")
    # The role decides the authority documents: the holder's own proof is no power of
    # attorney, so that step is asked again, and the review would say it is missing.
    changed = s.press("a:role:representative")
    assert s.draft.answers["role"] == "representative"
    assert s.step == "authority_docs" and s.draft.files_in(FileSection.AUTHORITY_DOCS) == []
    assert "asked again: Documents of authority" in changed.replies[0].text
    assert "<b>power of attorney</b>" in last(changed).text
    review = last(handle(s.draft.model_copy(update={"step": "review"}), Command("help"), s.ctx))
    assert "• Documents of authority" in review.text and "u:review:" not in datas(review)
    # Choosing the same answer again reopens nothing.
    s.upload(stored(90, "poa.pdf"))
    s.press("d:authority_docs:")
    s.press("e:review:filer")
    s.press("a:role:representative")
    assert s.step == "review" and len(s.draft.files_in(FileSection.AUTHORITY_DOCS)) == 1


def test_edit_files_section_returns_to_review():
    s = session_at("review")
    s.press("e:review:rights_docs")
    assert s.step == "rights_docs"
    s.upload(stored(80, "more.pdf"))
    s.press("d:rights_docs:")
    assert s.step == "review"
    assert len(s.draft.files_in(FileSection.RIGHTS_DOCS)) == 2


def test_changing_right_type_in_edit_mode_asks_the_newly_required_step():
    s = session_at("review")
    s.press("e:review:right")
    outcome = s.press("a:right_type:copyright")
    assert s.step == "work_description"
    assert "Describe the <b>work or other right</b>" in last(outcome).text
    s.text(GOOD_TEXT["work_description"])
    # The trademark certificate is no copyright document: it went, and is asked for anew.
    assert s.step == "rights_docs"
    review = last(handle(s.draft.model_copy(update={"step": "review"}), Command("help"), s.ctx))
    assert "Everything needed is here" not in review.text
    assert "• Documents of rights" in review.text
    s.upload(stored(91, "contract.pdf"))
    s.press("d:rights_docs:")
    assert s.step == "review"
    review = last(s.command("help"))
    assert "copyright and other rights" in review.text
    assert "RU 123456" not in review.text and "rights_docs.pdf" not in review.text
    assert "u:review:" in datas(review)


def test_newly_required_step_returns_straight_to_review():
    s = session_at("review")
    s.press("e:review:right")
    s.press("a:right_type:copyright")
    s.text(GOOD_TEXT["work_description"])
    assert s.step == "rights_docs"
    s.upload(stored(92, "contract.pdf"))
    s.press("d:rights_docs:")
    assert s.step == "review"


def test_changing_the_patent_kind_reopens_the_rights_documents_only():
    s = session_at("review", right_type="patent", patent_kind="invention")
    authority = s.draft.files_in(FileSection.AUTHORITY_DOCS)
    s.press("e:review:right")
    s.press("a:right_type:patent")
    s.press("a:patent_kind:industrial_design")
    assert s.step == "rights_docs" and s.draft.files_in(FileSection.RIGHTS_DOCS) == []
    assert s.draft.files_in(FileSection.AUTHORITY_DOCS) == authority
    assert s.draft.answers["rights_number"] == GOOD_TEXT["rights_number"]


# --- coming back after days -------------------------------------------------------------


def test_welcome_back_after_days_and_the_message_is_processed():
    s = session_at("contact_email")
    s.draft = s.draft.model_copy(update={"updated_at": NOW - timedelta(days=3)})
    outcome = s.text("ivan@example.com")
    notice = outcome.replies[0]
    assert "Welcome back" in notice.text and "2024-04-28" in notice.text
    assert datas(notice) == ["x::ask"]
    assert outcome.changed and s.draft.answers["contact_email"] == "ivan@example.com"
    assert s.step == "contact_phone"
    asked = s.press("x::ask")
    assert datas(asked) == ["x::yes", "x::no"]


def test_no_welcome_back_for_commands_or_recent_drafts():
    s = session_at("contact_email")
    s.draft = s.draft.model_copy(update={"updated_at": NOW - timedelta(hours=5)})
    assert "Welcome back" not in all_text(s.text("ivan@example.com"))
    s.draft = s.draft.model_copy(update={"updated_at": NOW - timedelta(days=9)})
    assert "Welcome back" not in all_text(s.command("help"))


def test_welcome_back_keeps_the_toast():
    s = session_at("contact_email")
    s.draft = s.draft.model_copy(update={"updated_at": NOW - timedelta(days=3)})
    outcome = s.press("a:role:holder")
    assert outcome.toast == "That button is out of date."


# --- every button, every step, both languages -------------------------------------------


def _draft_at(step_id: str, lang: str, *, answered: bool) -> Draft:
    answers = {"screen_listing": "yes", "screen_matter": "infringement", "role": "holder"}
    answers |= {"right_type": "patent", "patent_kind": "industrial_design"}
    answers |= {"claim_subject": "other"}
    if step_id == "work_description":
        answers["right_type"] = "copyright"
    draft = Draft(user_id=1, chat_id=1, lang=lang, step=step_id, history=["welcome"])
    if answered:
        answers |= GOOD_TEXT
        files = [stored(i, f"f{i}.pdf", section) for i, section in enumerate(FileSection)]
        draft = draft.model_copy(update={"links": [LINK], "files": files})
    return draft.model_copy(update={"answers": answers})


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("answered", [False, True])
def test_every_button_fits_and_every_text_is_valid_html(lang, answered):
    for step in FLOW:
        draft = _draft_at(step.id, lang, answered=answered)
        for event in (Command("help"), Command("start"), Command("language"), Command("cancel")):
            outcome = handle(draft, event, context(lang))
            check_outcome(draft, outcome)
        for data in datas(handle(draft, Command("help"), context(lang))):
            pressed = ButtonData.decode(data)
            assert pressed.step in ("", step.id), data
            outcome = handle(draft, Pressed(data), context(lang))
            check_outcome(draft, outcome)


def test_user_text_is_escaped_everywhere():
    s = session_at("rights_holder")
    nasty = "<script>alert(1)</script> Smith & Sons"
    s.text(nasty)
    assert s.draft.answers["rights_holder"] == nasty
    back = s.command("back")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Smith &amp; Sons" in last(back).text
    s.press("k:rights_holder:")
    walk(s, "review")
    review = last(s.command("help"))
    assert "&lt;script&gt;" in review.text and "<script>" not in review.text


def test_bad_file_names_are_escaped():
    s = session_at("evidence_files")
    outcome = s.upload(stored(90, "<b>x & y</b>.jpg"))
    assert "&lt;b&gt;x &amp; y&lt;/b&gt;.jpg" in all_text(outcome)


def test_many_links_still_fit_in_a_telegram_message():
    s = session_at("links")
    for batch in range(3):
        ids = range(1005000000000000 + batch * 50, 1005000000000000 + batch * 50 + 50)
        outcome = s.text(" ".join(f"https://aliexpress.ru/item/{i}.html" for i in ids))
        assert all(len(r.text) <= 4096 for r in outcome.replies)
    assert len(s.draft.links) == 150
    walk(s, "review")
    assert all(len(r.text) <= 4096 for r in s.command("help").replies)


def test_back_skips_steps_a_changed_answer_made_moot():
    """A trademark complaint changed to copyright from the review: /back never returns to the
    registration number, which a copyright complaint is not asked."""
    s = session_at("review", right_type="trademark")
    s.press("e:review:right")
    s.press("a:right_type:copyright")
    s.text(GOOD_TEXT["work_description"])
    s.upload(stored(93, "contract.pdf"))
    s.press("d:rights_docs:")
    assert s.step == "review"
    assert s.draft is not None and "rights_number" in s.draft.history
    seen = []
    for _ in range(len(s.draft.history)):
        s.command("back")
        seen.append(s.step)
    assert "rights_number" not in seen and "rights_jurisdiction" not in seen
    assert "work_description" in seen
