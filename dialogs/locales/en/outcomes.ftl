# What became of an accepted complaint's listings, as the marketplace reported it.
outcome-notice =
    📦 Complaint <b>{ $number }</b>: what happened to the listings.
    { $summary }.
outcome-listing = { $index }. { $link } — { $outcome }
outcome-first = { $count } of { $total } { $total ->
        [one] listing
       *[other] listings
    } { $outcome }
outcome-next = { $count } { $outcome }
outcome-removed-on = { $count ->
        [one] was
       *[other] were
    } removed on { $date }
outcome-restored-on = { $count ->
        [one] was
       *[other] were
    } restored on { $date } (after the seller's objection)
outcome-not_found = { $count ->
        [one] was
       *[other] were
    } not found
outcome-day = { $day } { $month }
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
# On the staff card and in /case: each listing's outcome.
staff-card-outcomes = 📦 Listings: { $summary }
case-outcomes = 📦 Listings: { $summary }
outcome-not-accepted = That listing was not accepted: no outcome can be reported for it.
outcome-no-such-listing = The complaint has no listing with that number.
