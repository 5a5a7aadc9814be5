## Why an answer was not accepted. Each says what is expected instead.

err-link-not-url = this is not a web link. Copy the address of the listing page.
err-link-too-long = the link is longer than { $limit } characters.
err-link-other-site = { $host } is not { $platform }. Send links to listings on the platform only.
err-link-short = this short link could not be opened. Open it in a browser and send the full listing address.
err-link-short-elsewhere = the short link leads to { $host }, not to { $platform }.
err-link-not-listing = { $kind ->
    [search] this is a search page, not a listing. Open the infringing item and copy its address.
    [store] this is a store front, not a listing. Open each infringing item and copy its address.
    [home] this is the home page, not a listing.
   *[other] this page is not a listing. A listing link looks like https://aliexpress.ru/item/1005001234567890.html
  }
err-links-too-many = { $count } links in one message is too many (at most { $limit }). Please send them in several messages.
err-email-invalid = This does not look like an email address. Example: name@example.com
err-phone-invalid = This does not look like a valid phone number. Send it with the country code, e.g. +7 916 123-45-67.
err-phone-need-country = Please add the country code, e.g. +7 916 123-45-67 or +44 7911 123456.
err-name-too-short = The name is too short (at least { $min } characters).
err-name-too-long = The name is too long (at most { $max } characters).
err-name-no-letters = Please write the name in letters.
err-name-has-url = Please send the name only, without links.
err-org-too-short = The name of the organisation is too short (at least { $min } characters).
err-org-too-long = The name of the organisation is too long (at most { $max } characters).
err-org-no-letters = Please write the name in letters.
err-org-has-url = Please send the name only, without links.
err-text-too-short = That is too short (at least { $min } characters). Please describe it in a few words.
err-text-too-long = That is too long: { $length } characters, at most { $max }. Please shorten it; long explanations can be sent as a document in the evidence step.
err-regnum-invalid = This does not look like a registration or patent number. Send it as in the certificate, e.g. 123456 or RU 2 123 456.
err-regnum-too-long = The number is too long (at most { $max } characters).
err-regnum-too-many = { $count } numbers are too many for one complaint (at most { $max }). Please file another complaint for the rest.
err-offices-count = { $numbers } numbers, but { $offices } offices. Send one office per number, one per line, in the same order.
err-offices-one = You chose one office for all, but sent { $offices }. Send just the one office, or press “⬅️ Back” to choose different offices.
err-regnum-unsure = Is “{ $piece }” one number or several? Please send each number on its own line, or separate them with commas.
err-text-vague = Please write a sentence that says what the listings do, e.g. “They sell bags with our logo that we did not make”.
err-file-empty = The file is empty. Please send it again.
err-file-too-big = The file is { $size_mb } MB; the limit is { $limit_mb } MB. Please compress it or split it into parts.
err-file-type = This file's content is { $detected }, which is not accepted here. Accepted: { $allowed }.

## Issue 6: files that could not be fetched, archive bombs, polyglots.

err-file-not-fetched = The file “{ $name }” could not be fetched from Telegram (it did not answer in time). Nothing was saved; please send that file again.
err-file-bomb = This { $detected } file { $reason ->
    [entries] holds far too many parts
    [size] unpacks to far more data than any document needs
   *[ratio] unpacks to hundreds of times its size
  } (it looks like an archive bomb), so it is not accepted. Please save the document as PDF and send that.
err-file-polyglot = This file is at once a { $detected } and a { $other }: a file that opens as two different things is not accepted. Please save it again as one type (for example, print it to PDF) and send that.
err-link-file = This file cannot be read as a list of links. Send a .txt or .csv file (UTF-8, at most { $limit_kb } KB) with one link per line.
