## The staff dossier (PDF). Section titles and answer labels are the intake's own.

pdf-title = IP complaint dossier { $number }
pdf-page = Page
pdf-case-number = Case number
pdf-status = Status
pdf-submitted = Submitted (UTC)
pdf-generated = Generated (UTC)
pdf-assignee = Assignee
pdf-claimant-lang = Claimant's language
pdf-telegram-user = Telegram user id
pdf-telegram-chat = Telegram chat id
pdf-not-provided = not provided
pdf-not-recorded = NOT RECORDED
pdf-no-links = No listing links
pdf-confirmation-text = Exact wording shown
pdf-confirmation-at = Confirmed at (UTC)
pdf-confirmation-lang = Language
pdf-files = Files ({ $count })
pdf-no-files = No files
pdf-file-section = Section
pdf-file-type = Type (by content)
pdf-file-size = Size
pdf-file-sha256 = SHA-256
pdf-file-path = In the archive
pdf-bytes = bytes
pdf-audit = Audit trail
pdf-audit-who = Who
pdf-audit-detail = Detail

## The notice for the seller (PDF), in the seller's language (issue 8).

seller-title = Notice of an intellectual-property complaint { $number }
seller-intro = The platform has received a complaint that the listings below infringe intellectual-property rights. It is passed to you, as the platform's rules provide, with what the complainant agreed may be disclosed.
seller-listings = Listings complained about ({ $count })
seller-rights = The rights cited
seller-contacts = The complainant's contact details
seller-contacts-withheld = Not disclosed: the complainant did not agree to their disclosure.
seller-not-disclosed = Not disclosed
seller-next = What you can do
seller-next-text = You may contact the complainant to settle the matter, or answer the platform with documents showing that your listings do not infringe these rights. Quote the case number in any reply.
