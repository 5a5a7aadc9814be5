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
