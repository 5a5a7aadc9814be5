## The staff group: case cards, files and decisions.

staff-card-title = 📁 <b>Case { $number }</b> · { $status }
staff-card-submitted = Submitted: { $at }
staff-card-claimant = Claimant: { $name } · Telegram id <code>{ $user_id }</code> · { $username }
staff-card-assignee = Assigned to: { $name }
staff-card-record = Claimant's record: { $filed } filed, { $accepted } accepted, { $rejected } rejected
staff-card-earlier = ⚠️ Earlier cases about the same listing: { $cases }
staff-file-caption = { $number } · { $section }
    { $name }
    sha256: <code>{ $sha256 }</code>
file-section-evidence = Evidence
file-section-rights_docs = Documents of rights
file-section-authority_docs = Documents of authority

status-submitted = new
status-in_review = in review
status-info_requested = waiting for the claimant
status-accepted = accepted
status-rejected = rejected
status-forwarded = forwarded to the seller

staff-btn-take = 🙋 Take
staff-btn-ask = ❓ Ask the claimant
staff-btn-accept = ✅ Accept
staff-btn-reject = ⛔ Reject
staff-btn-forward = 📨 Forward to seller

staff-refused = ⛔ Only members of the IP team may act on cases.
staff-refused-state = This action does not apply to the case in its current state.
staff-unknown-reason = Unknown reason.
staff-not-a-card = This is not a case card.
staff-taken = You took { $number }.
staff-ask-hint = Reply to this card with your question: it will be sent to the claimant.
staff-question-sent = ❓ Question sent to the claimant of { $number }.
staff-decided = Recorded: { $number } — { $status }.
staff-reject-choose = Choose the reason for rejecting { $number }:
staff-reject-other-hint = Reply to the card with /reject and the reason in your own words.
staff-answer = 💬 <b>The claimant answered</b> ({ $number }):
    { $text }
staff-answer-file = 💬 { $number } · the claimant's answer
    { $name }
    sha256: <code>{ $sha256 }</code>
staff-reason-out_of_scope = Out of scope
staff-reason-documents_missing = Documents missing
staff-reason-no_authority = No authority
staff-reason-not_platform_listing = Not a listing of the platform
staff-reason-other = Other (write it)
staff-btn-cancel = ↩️ Back

## Issue 6: files that could not be posted in the group.

staff-card-undelivered = ⚠️ { $count ->
    [one] 1 file is
   *[other] { $count } files are
  } only in the ZIP, not posted here: { $names }

## Case workflow, staff commands (/find, /mine, /stats) and the seller notice (issue 8).

status-withdrawn = withdrawn by the claimant
staff-btn-take_over = 🙋 Take over
staff-refused-not-assignee = { $name } holds this case: only they may act on it, or take it over first.
staff-evidence = 📎 <b>The claimant added evidence</b> ({ $number }):
    { $text }
staff-evidence-file = 📎 { $number } · evidence added by the claimant
    { $name }
    sha256: <code>{ $sha256 }</code>
staff-seller-notice = 📨 { $number } · the notice for the seller (PDF)
staff-find-usage = Send /find and a case number, a listing link, the claimant's Telegram id or @username, a rights holder or a registration number.
staff-find-title = 🔎 <b>Cases for “{ $query }”</b>: { $count }
staff-find-none = 🔎 No case matches “{ $query }”.
staff-case-line = { $number } · { $status } · { $date } · { $holder } · { $assignee }
staff-list-more = … and { $count } more.
staff-mine-title = 🙋 <b>Your cases not yet decided</b>: { $count }
staff-mine-none = 🙋 You hold no case awaiting a decision.
staff-stats-usage = Send /stats and a number of days (1–3650), e.g. /stats 30.
staff-stats =
    📊 <b>Cases filed in the last { $days } days</b> (since { $since }): { $total }
    { $statuses }
    Median time to the first staff action: { $first } ({ $acted } cases)
    Median time to a decision: { $decision } ({ $decided } cases)
staff-stats-status = { $status }: { $count }
staff-stats-hours = { $hours } h
staff-stats-none = —

## The card that is enough to decide (issue 8).

staff-card-right = Right: { $right } · filed by { $role }
staff-card-holder = Holder: { $holder } · rights cited: { $cited }
staff-card-files = Listings: { $listings } · files: { $files }
staff-card-docs-cover = 📄 { $rights } rights, { $documents } documents: the claimant confirms they cover every right cited
staff-card-missing = ⚠️ Missing: { $missing }
staff-card-decided = Decision: { $decision } by { $who }, { $at } · reason: { $reason }
staff-card-listings-count = { $count } listings (see the dossier above)

## Decisions confirmed, undone; per-listing outcomes; reminders (issue 8).

status-accepting = accepting — the claimant not told yet
status-rejecting = rejecting — the claimant not told yet
staff-btn-per_listing = 🧩 Per listing
staff-btn-undo = ↩ Undo
staff-btn-confirm_accept = ✔️ Confirm accept
staff-btn-confirm_reject = ✔️ Confirm reject
staff-btn-confirm_listings = ✔️ Confirm the outcomes
staff-btn-cancel_decision = ✖️ Cancel
staff-btn-listings-next = ➡️ Next
staff-listing-accepted = ✅ accept
staff-listing-btn = { $index }. { $link } — { $outcome }
staff-confirm-hint = Confirm on the card, or cancel.
staff-listings-hint = Press a listing to change its outcome, then Next.
staff-listings-too-many = Too many listings to mark one by one here; decide the case as a whole.
staff-nothing-to-confirm = There is no decision to confirm: press Accept, Reject or Per listing again.
staff-decided-undo = Recorded: { $number } — { $status }. The claimant is told in { $seconds } s unless you press Undo.
staff-undone = Undone: { $number } is in review again; the claimant was told nothing.
staff-cancelled = Nothing decided on { $number }.
staff-reminder = ⏰ { $number } has waited { $minutes } min and nobody has taken it.
staff-card-per-listing = per listing: { $accepted } of { $total } accepted

## One message per case: the card is the dossier PDF's caption; files on demand (issue 8).

staff-btn-files = 📎 Files
staff-files-sent = 📎 { $number }: { $count ->
    [one] 1 file is
   *[other] { $count } files are
  } on the way, under the card.
staff-files-none = { $number } has no files.
staff-files-zip = 📎 { $number } · the { $count } files in one ZIP (the dossier PDF, manifest.json with sha256, the originals by section)

## Issue 14: what Telegram refused.

staff-card-unreachable = 🚫 The claimant has blocked the bot: messages to them are not delivered.
staff-files-zip-part = 📎 { $number } · ZIP part { $part } of { $parts }: unpack all parts into one folder
staff-too-large = ⚠️ { $number }: Telegram would not take { $names } (over its upload limit). On the server: <code>python -m bot export { $number }</code>
