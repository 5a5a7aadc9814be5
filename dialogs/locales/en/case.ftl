## A submitted case, for the claimant: decisions, questions from the IP team, /status and /case.

case-taken = 🔎 Your case <b>{ $number }</b> is now being reviewed by the IP team.
case-question =
    ❓ <b>The IP team has a question about case { $number }:</b>
    { $question }

    Press “Answer”, then send your answer: text, photos or documents.
case-answer-btn = ✍️ Answer
case-answer-start = Send your answer to the question about case <b>{ $number }</b>: text, photos or documents, in as many messages as you need. Press “Finish” when you are done.
case-answer-added = Added to your answer for case <b>{ $number }</b>. Send more, or press “Finish”.
case-answer-finish-btn = ✅ Finish and send
case-answer-sent = ✅ Your answer about case <b>{ $number }</b> has been sent to the IP team.
case-answer-wrong-kind = Please answer with text, photos or documents.
case-question-answered = This question has already been answered.
case-not-yours = This case is not among yours.
case-accepted = ✅ Your complaint <b>{ $number }</b> has been accepted. The platform will act on the listings.
case-rejected =
    ⛔ Your complaint <b>{ $number }</b> has been rejected.
    Reason: { $reason }
    { $note }
case-forwarded = 📨 Your complaint <b>{ $number }</b> has been passed to the seller of the listing, as the platform's rules provide.
reject-reason-out_of_scope = the matter is not one the platform considers (see the rules on intellectual property).
reject-reason-documents_missing = documents evidencing the rights are missing or insufficient.
reject-reason-no_authority = the authority to act for the right holder is not shown or not sufficient.
reject-reason-not_platform_listing = the links are not listings of the platform.
reject-reason-other = see the note below.

status-title = <b>Your cases</b>
status-line = { $number } · { $date } · { $status }
status-none = You have not filed any complaint yet. Send /start to file one.
status-hint = Send /case NUMBER to see one of them.
case-detail =
    <b>Case { $number }</b> · { $status }
    Submitted: { $date }
case-usage = Send the case number, e.g. /case IP-2026-000001.
case-status-submitted = received
case-status-in_review = being reviewed
case-status-info_requested = waiting for your answer
case-status-accepted = accepted
case-status-rejected = rejected
case-status-forwarded = passed to the seller

## Withdrawing a complaint and adding evidence unasked (issue 8).

case-status-withdrawn = withdrawn
cmd-withdraw = Withdraw a complaint before a decision
case-withdrawn = ↩️ Your complaint <b>{ $number }</b> has been withdrawn. The IP team will not act on it.
case-withdraw-usage = Send the number of the complaint to withdraw, e.g. /withdraw IP-2026-000001.
case-withdraw-btn = ↩️ Withdraw the complaint
case-withdraw-confirm = Withdraw complaint <b>{ $number }</b>? The IP team will stop working on it; this cannot be undone.
case-withdraw-yes-btn = Yes, withdraw it
case-refused-state = This is no longer possible: the case has been decided or withdrawn.
case-evidence-btn = 📎 Add evidence or documents
case-evidence-start = Send what you want to add to case <b>{ $number }</b>: text, photos or documents, in as many messages as you need. Press “Finish” when you are done.
case-evidence-added = Added to case <b>{ $number }</b>. Send more, or press “Finish”.
case-evidence-finish-btn = ✅ Finish
case-evidence-sent = ✅ What you added to case <b>{ $number }</b> has been passed to the IP team.
case-evidence-not-adding = You are not adding anything to this case now.

## The statement of reasons with a rejection: what the claimant can do next (issue 8).

reject-redress-title = <b>What you can do</b>
reject-redress-out_of_scope = • If your matter is about a particular listing infringing your rights, file a new complaint (/start) describing that infringement.
reject-redress-documents_missing = • File the complaint again (/start) with the documents of your rights: the certificate, patent or proof of authorship, as the rules ask for your right type.
reject-redress-no_authority = • File again (/start) with a document proving your authority: a power of attorney from the right holder, or proof that you are the right holder. A letter of consent to sell goods is not an authorisation.
reject-redress-not_platform_listing = • File again (/start) with direct links to listings on the platform (not search pages, store fronts or other sites).
reject-redress-other = • If you can remedy what the note above says, file the complaint again (/start) with it.
reject-redress-review = • If you think the decision is wrong, file again with an explanation of why; it will be reviewed by the IP team anew.
reject-redress-courts = • This decision does not limit your right to protect your rights in court or before the competent authorities.

## A decision per listing (issue 8).

case-status-accepting = being reviewed
case-status-rejecting = being reviewed
case-decided-listings = 🧩 Your complaint <b>{ $number }</b> has been decided listing by listing:
case-listing-accepted = { $index }. { $link } — ✅ accepted: the platform will act on it.
case-listing-rejected = { $index }. { $link } — ⛔ rejected: { $reason }
