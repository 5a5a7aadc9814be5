"""Issue 6, observation 2: a 429 or 5xx from getFile (or from the file download itself) dropped
the claimant's file silently: no answer, nothing in the draft.

Now a download is retried with backoff (a 429's retry_after honoured) on 429, 5xx and a
connection cut mid-body, and the file is kept whole; when every try fails, the claimant is told
which file could not be fetched and asked to send it again, and the saved draft is unchanged.
Both runtimes, over HTTP against the fake Bot API."""

from __future__ import annotations

import hashlib

from dialogs.i18n import texts
from dialogs.model import FileSection
from tests.e2e.claimant import Claimant, pdf
from tests.e2e.conftest import CLAIMANT, RunningBot
from tests.fake_telegram import FakeTelegram
from tests.test_issues.issue6 import refused_unchanged, saved_draft


def scan(n: int) -> bytes:
    return pdf(f"certificate {n} " + "x" * 50_000)  # large enough to be cut mid-body


async def test_a_file_is_fetched_through_429_5xx_and_a_cut_connection(
    fake: FakeTelegram, either_bot: RunningBot
) -> None:
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("rights_docs")
    fake.fail_next("getFile", error_code=429, retry_after=1)
    fake.fail_next("getFile", error_code=502)
    fake.fail_download(error_code=0)  # the body cut halfway
    data = scan(1)
    await anna.attaches(data, "certificate.pdf")
    draft = await saved_draft(either_bot)
    [kept] = draft.files_in(FileSection.RIGHTS_DOCS)
    assert kept.name == "certificate.pdf"
    assert kept.sha256 == hashlib.sha256(data).hexdigest()  # whole, not the half first sent
    assert either_bot.app.storage.files.read(kept.sha256) == data
    getfile = fake.calls("getFile")
    assert [r.error_code for r in getfile[-4:]][:2] == [429, 502]


async def test_a_file_that_never_comes_is_named_and_the_draft_is_unchanged(
    fake: FakeTelegram, either_bot: RunningBot
) -> None:
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("rights_docs")
    store = either_bot.app.storage.files.root
    stored_before = sorted(store.rglob("*"))
    fake.fail_download(error_code=502, times=4)  # every try
    answer = await refused_unchanged(
        fake,
        either_bot,
        "rights_docs",
        lambda: fake.user_sends_document(CLAIMANT, scan(2), "trademark <RU>.pdf"),
        "could not be fetched",
    )
    text = answer.text or ""
    assert "“trademark &lt;RU&gt;.pdf”" in text or "“trademark <RU>.pdf”" in text
    assert "send that file again" in text
    # Nothing of it is left in the store either.
    assert sorted(store.rglob("*")) == stored_before
    # The same file sent again once Telegram is back is taken.
    await anna.attaches(scan(2), "trademark.pdf")
    assert len((await saved_draft(either_bot)).files_in(FileSection.RIGHTS_DOCS)) == 1


async def test_getfile_failing_every_time_is_answered_too(
    fake: FakeTelegram, either_bot: RunningBot
) -> None:
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("rights_docs")
    fake.fail_next("getFile", error_code=500, times=4)
    await refused_unchanged(
        fake,
        either_bot,
        "rights_docs",
        lambda: fake.user_sends_document(CLAIMANT, scan(3), "certificate.pdf"),
        "The file “certificate.pdf” could not be fetched",
    )


def test_the_refusal_is_in_both_languages() -> None:
    assert texts("ru")("err-file-not-fetched", name="свидетельство.pdf").startswith(
        "Не удалось получить файл «свидетельство.pdf»"
    )
    assert "send that file again" in texts("en")("err-file-not-fetched", name="a.pdf")
