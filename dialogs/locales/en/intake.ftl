## The intake, in English. Telegram HTML: only <b>, <i>, <a href>, <code>; arguments are escaped.

progress = <b>Step { $number } of { $total }</b> · { $section }

section-welcome = Welcome
section-screening = Is it a matter we consider?
section-filer = Who is filing
section-right = The right infringed
section-rights = Rights and the claim
section-listings = Infringing listings
section-evidence = Evidence of the infringement
section-rights_docs = Documents of your rights
section-authority = Documents of your authority
section-contacts = Contact details
section-confirmations = Disclosure and confirmations
section-review = Review

## Welcome

ask-welcome =
    <b>Report an intellectual-property infringement on { $platform }</b>

    I will guide you through a complete complaint, one step at a time ({ $total } steps, about 10–15 minutes). Your answers are saved as you go: you can stop and come back later.

    <b>Have at hand</b>
    • a direct link to each infringing listing on { $platform };
    • evidence of the infringement: photos, screenshots, test-purchase documents;
    • documents of your rights:
      – trademark (incl. counterfeits): the trademark certificate;
      – patent: the patent for the invention, industrial design or utility model;
      – copyright and other: original files, contracts with the author or right holder (author's order, alienation, licence), a certificate of deposit;
    • documents of your authority: your own proof as the right holder, or a power of attorney if you represent the right holder;
    • your contact details.

    The platform does not give legal opinions or advice on applying or interpreting the law.

    Commands: /back — previous step, /cancel — discard, /help, /language, /status — your cases.
btn-start = Start
lang-en = English
lang-ru = Русский

## Screening: "Which matters we do not consider"

ask-screen_listing = Do you have a direct link to a <b>particular listing</b> on { $platform } that infringes your rights?
opt-screen_listing-yes = Yes, I have the link(s)
opt-screen_listing-no = No particular listing
country-in = { $country ->
    [RU] in Russia
    [BY] in Belarus
    [KZ] in Kazakhstan
   *[other] in the country ({ $country })
  }
ask-screen_matter =
    What is your complaint about?
    • <b>My IP right is infringed</b>: your trademark, patent or copyright is used without your permission (counterfeits, copied designs or photos; also genuine goods first put on the market abroad and imported without your consent).
    • <b>Not an IP matter</b>: false statements about your brand; price, quality or delivery disputes; a counterfeit bought offline or on another site.
    • <b>Distributor dispute</b>: the relationship with a distributor, incl. exclusive distribution.
    • <b>Resale</b>: third parties resell genuine goods already put into civil circulation { country-in }.
    • <b>Legal advice</b>: an opinion on applying or interpreting the law.
opt-screen_matter-infringement = My IP right is infringed
opt-screen_matter-distributor = Distributor dispute
opt-screen_matter-resale = Resale: first sold { $country ->
    [RU] in Russia
    [BY] in Belarus
    [KZ] in Kazakhstan
   *[other] in { $country }
  }
opt-screen_matter-advice = I need legal advice
reject-no_listing =
    <b>We cannot take this complaint.</b>
    The platform considers only matters with a link to a particular infringement — a specific listing on { $platform }.

    <b>What you can do:</b> open the listing that infringes your rights, copy its address (it looks like https://aliexpress.ru/item/1005001234567890.html, or a short link from the app's “Share” button) and start again.
reject-distributor =
    <b>We cannot take this complaint.</b>
    Matters about the relationship with a distributor, including exclusive distribution, are not infringements of exclusive rights, so the platform does not consider them.

    <b>What you can do:</b> settle it under your distribution agreement with the distributor, or through the courts.
reject-resale =
    <b>We cannot take this complaint.</b>
    Selling by third parties of goods that have already been put into civil circulation { country-in } (genuine goods resold) is not an infringement the platform considers.

    <b>What you can do:</b> if the goods are in fact counterfeit, or were first put on the market only abroad and imported without your consent, start again and choose “My IP right is infringed”.
reject-advice =
    <b>We cannot help with this.</b>
    The platform does not give legal opinions or advice on applying or interpreting the law.

    <b>What you can do:</b> consult a lawyer or a patent attorney. If you have a specific infringing listing, start again to report it.
btn-start-again = Start again

## Who is filing

ask-role =
    Who are you in this complaint?
    • <b>The right holder</b>: the owner of the right, or its employee or director.
    • <b>A representative</b>: a lawyer, patent attorney or agent acting for the right holder under a power of attorney.
    • <b>A licensee</b>: you use the right under a licence agreement with the right holder (exclusive or not).
opt-role-holder = I am the right holder
opt-role-representative = I represent the right holder
opt-role-licensee = I am a licensee
## The right

ask-right_type = Which right has been infringed?
opt-right_type-trademark = Trademark / counterfeit
opt-right_type-patent = Patent
opt-right_type-copyright = Copyright and other rights
ask-patent_kind = What is the patent for?
opt-patent_kind-invention = An invention
opt-patent_kind-industrial_design = An industrial design
opt-patent_kind-utility_model = A utility model

## Rights cited and the claim

ask-rights_number = { $right_type ->
    [patent] Send the <b>patent number</b>.
   *[trademark] Send the <b>trademark registration number</b> (from the certificate).
  } If several rights are infringed (e.g. a word mark and a logo, a national and an international registration), send every number, separated by commas or one per line.
ask-rights_jurisdiction = { $layout ->
    [each] In which country or office is each one registered? Send one office per line, in this order:
    { $numbers }
    [same] In which country or office are all { $rights } registrations? (e.g. Russia — Rospatent, EU — EUIPO, WIPO international registration)
   *[one] In which country or office is it registered? (e.g. Russia — Rospatent, EU — EUIPO, WIPO international registration)
  }
ask-work_description =
    Describe the <b>work or other right</b> that is protected:
    • a work (photo, design, text, software…): what it is, its title and when it was created;
    • another right (e.g. a trade name, a commercial designation, an appellation of origin): what it is, whose it is, and where it is registered, if it is.
ask-rights_holder = Who is the <b>right holder</b>? Send the full name of the person or company as in the documents.
ask-infringement_description = Describe the <b>infringement</b>: what the listings do that infringes the right (e.g. use the logo on counterfeit goods, copy the patented design, use your photos).
ask-claim_subject = What should the platform do about the listings?
opt-claim_subject-remove_listings = Remove the infringing listings
opt-claim_subject-other = Something else
ask-claim_subject_other = Describe what you ask the platform to do.
## Listings

ask-links =
    Send the <b>direct link to each infringing listing</b>. You can paste several, one per line, or send a .txt or .csv file with one link per line.
    A listing link looks like https://aliexpress.ru/item/1005001234567890.html; a short link from the app's “Share” button works too. Not a search page, not a store front.
links-saved = Links saved: { $count }. Send more, or press “Done”.
link-accepted = ✅ { $link }
deep-link-listing = 🔗 The listing { $link } is added to your complaint.
link-accepted-short = ✅ { $link } (from the short link { $pasted })
link-duplicate = ↩️ { $link } — already added
link-rejected = ❌ { $link } — { $reason }
links-more = … and { $count } more

## Files

ask-evidence_files = Send the <b>evidence of the infringement</b>: photos or screenshots of the listings, photos of the goods, test-purchase documents. Send files one by one or as an album; a “Done” button appears after the first file.
ask-evidence_note = If you wish, explain the evidence in a few words (e.g. what each photo shows). Or press “Skip”.
ask-rights_docs = { $right_type ->
    [patent] Send the <b>patent</b> for the { $patent_kind ->
        [industrial_design] industrial design
        [utility_model] utility model
       *[invention] invention
      } (a scan or PDF).
    [copyright] Send the documents of your <b>copyright</b>: original files of the work (e.g. RAW, PSD, AI, SVG, or the full-size JPEG); contracts with the author or other right holder (author's order, alienation, licence or other); a certificate of deposit, if any.
    For another right (e.g. a trade name): the document it arises from, such as a register extract.
    Send originals <b>as files</b> (📎 → File), not as photos: Telegram recompresses photos and strips their metadata.
   *[trademark] Send the <b>trademark certificate</b> (a scan or PDF) for each registration you cited.
  }
    A “Done” button appears after the first file.
ask-authority_docs = { $role ->
    [licensee] Send the <b>licence agreement</b> with the right holder (with the proof of its registration, if it is registered).{ $licence_kind ->
        [non_exclusive] {" "}Your licence is not exclusive: add the right holder's <b>authorisation to act</b> against infringers (a letter or a power of attorney), as the rules require.
       *[other] {""}
      }
    [representative] Send the <b>power of attorney</b> (or another document) by which the right holder authorises you to act for it. If the right holder is a company, add what shows that whoever signed it could sign for the company (e.g. a register extract naming the director); if the power of attorney was passed on to you (substitution), add the chain of powers back to the right holder.
   *[holder] Send a document proving that you are the right holder or act for it:
    – a company: an extract from the company register (in Russia — ЕГРЮЛ), the order appointing the director, or an employee's power of attorney;
    – a sole proprietor (ИП): an extract from the register of sole proprietors (ЕГРИП) and an identity document;
    – an individual author: an identity document (you may cover the details not needed).
  }
    ⚠️ A letter of consent from the right holder for the sale of goods is <b>not</b> an authorisation of the right holder.
    A “Done” button appears after the first file.
file-received = 📎 Received “{ $name }”.
file-duplicate = “{ $name }” is already attached to this step.
album-received = 📎 Received { $count ->
    [one] { $count } file
   *[other] { $count } files
  } from the album.
files-count = { $count ->
    [0] no files
    [one] { $count } file
   *[other] { $count } files
  }
files-more = , and { $count } more
files-send-more = Send more, or press “Done”.
btn-remove-link = 🗑 Remove a link
btn-remove-file = 🗑 Remove a file
remove-which = Which one should go? The rest stays.
btn-remove-number = ✖ { $number }
btn-remove-all-links = Remove all { $count } links
btn-remove-all-files = Remove all { $count } files
btn-remove-none = Keep them all
items-removed = 🗑 Removed: { $count }.

## Contacts

ask-contact_name = Your <b>full name</b>, for communication about this complaint.
ask-contact_org = Your <b>organisation</b> (company or law firm), if any. Or press “Skip”.
ask-contact_email = Your <b>email</b>.
ask-contact_phone = Your <b>phone number</b>, with the country code (e.g. +7 916 123-45-67 or +44 20 7946 0958). It is optional: press “Skip” to go on without it.
share-contact-hint = Or tap “Share my phone number” below.
btn-share-contact = 📱 Share my phone number
contact-saved = ☎️ Phone saved: { $value }
## Disclosure and confirmations

ask-disclosure = <b>Before you confirm</b>
confirm-disclosure = To protect the interests of both parties, the platform may redirect your request to the seller who listed the disputed item. The information, materials and data you submit may be disclosed to the third parties against whom you complain.
btn-confirm-disclosure = I understand
ask-confirm_data_processing = <b>Confirmation 1 of 3</b>
confirm-confirm_data_processing = I consent to the processing of my personal data given in this complaint for the purposes of resolving my matter, including passing the contact details I chose ({ $seller_contacts }) to the seller complained about, and agree to the platform's privacy policy ({ $privacy_url }).
btn-confirm-confirm_data_processing = I confirm
ask-confirm_third_party = <b>Confirmation 2 of 3</b>
confirm-confirm_third_party = I confirm that I have obtained the relevant consents from third parties to provide the platform with these materials and information.
btn-confirm-confirm_third_party = I confirm
ask-confirm_authorised = <b>Confirmation 3 of 3</b>
confirm-confirm_authorised = I confirm that I am authorised by the rights holder to represent their interests.
btn-confirm-confirm_authorised = I confirm
ask-confirm_good_faith = <b>Statement of good faith</b>
confirm-confirm_good_faith = I confirm that I believe in good faith that the information and allegations in this notice are accurate and complete.
btn-confirm-confirm_good_faith = I confirm
label-confirm_good_faith = Statement of good faith
btn-decline = I do not confirm
declined = Without this confirmation the platform cannot consider the complaint. Your answers stay saved: confirm when you are ready, or /cancel to discard.
confirmed-at = confirmed { $at }

## Review and submission

review-title = <b>Review your complaint</b>. Tap a section to change it; the rest stays as it is.
review-missing = <b>Still missing ({ $count }):</b>
review-ready = Everything needed is here. Press “Submit” to send the complaint.
btn-submit = ✅ Submit the complaint
btn-edit-screening = ✏️ Screening
btn-edit-filer = ✏️ Who files
btn-edit-right = ✏️ The right
btn-edit-rights = ✏️ Rights and claim
btn-edit-listings = ✏️ Listings
btn-edit-evidence = ✏️ Evidence
btn-edit-rights_docs = ✏️ Proof of rights
btn-edit-authority = ✏️ Authority docs
btn-edit-contacts = ✏️ Contacts
btn-edit-confirmations = ✏️ Confirmations
reopened = ↪️ This changes what is needed, so these answers were cleared and will be asked again: { $steps }.
not-answered = —
receipt =
    ✅ <b>Your complaint is filed.</b> Case number: <b>{ $number }</b>
    Quote it in any communication. The IP team will review it and may ask you for more information here. Expect an answer within { $days ->
        [one] { $days } working day
       *[other] { $days } working days
      }; you will be told of each decision. /status shows your cases.
submit-failed = We could not file the complaint just now; your answers are saved. Please press “Submit” again in a minute.

val-screen_listing-yes = yes
val-screen_matter-infringement = infringement of an exclusive right
val-role-holder = the right holder
val-role-representative = a representative of the right holder
val-right_type-trademark = trademark (incl. counterfeit goods)
val-right_type-patent = patent
val-right_type-copyright = copyright and other rights
val-patent_kind-invention = invention
val-patent_kind-industrial_design = industrial design
val-patent_kind-utility_model = utility model
val-claim_subject-remove_listings = remove the infringing listings
val-claim_subject-other = other (described below)

label-screen_listing = Particular listing
label-screen_matter = Matter
label-role = Filed by
label-right_type = Right
label-patent_kind = Patent for
label-rights_number = Registration / patent numbers
label-rights_jurisdiction = Registered in
label-work_description = The work or other right
label-rights_holder = Right holder
label-infringement_description = The infringement
label-claim_subject = Subject of the claim
label-claim_subject_other = The claim
label-links = Listing links
label-evidence_files = Evidence
label-evidence_note = Explanation
label-rights_docs = Documents of rights
label-authority_docs = Documents of authority
label-contact_name = Name
label-contact_org = Organisation
label-contact_email = Email
label-contact_phone = Phone
label-disclosure = Disclosure notice
label-confirm_data_processing = Data processing and privacy policy
label-confirm_third_party = Third-party consents
label-confirm_authorised = Authorised by the rights holder

## Navigation

btn-done = ✅ Done
btn-keep = Keep the saved answer
btn-skip = Skip
btn-back = ⬅️ Back
btn-continue = Continue where I stopped
btn-restart = Discard and start over
btn-discard = Discard this complaint
btn-discard-yes = Yes, discard everything
btn-discard-no = No, keep my answers
current-answer = Saved answer: <i>{ $value }</i>. Send a new one to change it, or keep it.
resume-offer = You have an unfinished complaint (now at “{ $section }”). Continue, or discard it and start over?
welcome-back = Welcome back! You are continuing the complaint you started on { $date }. Nothing was lost.
discard-question = Discard this complaint and everything you have sent? This cannot be undone.
discarded = Your draft was discarded.
nothing-to-go-back-to = This is the first step.
stale-button = That button belongs to an earlier message. Here is where you are now:
stale-button-toast = That button is out of date.
choose-language = Choose the language:
unknown-command = I do not know that command.
help =
    I collect an intellectual-property complaint step by step and pass it to the platform's IP team.
    /back — the previous step (your answers stay)
    /cancel — discard the draft
    /language — English / Русский
    /start — start, or continue where you stopped
    /status — your filed cases and their state
    /case NUMBER — one case in full, e.g. /case IP-2026-000042
    The platform does not give legal opinions or advice.
## Input of the wrong kind

err-expected-info = Press “Start” to begin.
err-expected-choice = Please choose one of the buttons below.
err-expected-text = Please answer with a text message.
err-expected-links = Please send the listing link(s) as text, or as a .txt or .csv file.
err-expected-files = Please send files here (photos or documents).
err-expected-confirm = Please use the buttons below.
err-expected-review = Please use the buttons below to change a section or submit.
err-links-none = Please send at least one listing link.
err-files-none = Please send at least one file for this step.

## Bot command menu

cmd-start = Start, or continue where you stopped
cmd-back = The previous step
cmd-cancel = Discard the draft
cmd-help = What this bot does
cmd-language = English / Русский
cmd-status = Your cases and their state
cmd-case = One of your cases: /case NUMBER

bot-description =
    Report an infringement of your trademark, patent or copyright on { $platform }: a guided complaint to the platform's IP team, step by step, in English or Russian. Prepare the links to the listings, your evidence, the documents of your rights and of your authority. Answers are saved as you go; you get a case number and every decision here.
bot-short-description = IP complaints about { $platform } listings: trademark, patent, copyright. English / Русский.

## Returning claimants

btn-reuse = ♻️ Reuse from { $number }
files-reused = ♻️ { $count ->
    [one] { $count } document
   *[other] { $count } documents
  } from case { $number } added to this step.
reuse-offer = ♻️ Documents filed for <b>{ $holder }</b> with case { $number }{ $rejected ->
    [yes] {" "}(that case was <b>rejected</b>)
   *[no] {""}
  }: { $names }.
reuse-question = Attach to this step the documents of case { $number } for <b>{ $holder }</b>: { $names }?{ $rejected ->
    [yes] {" "}⚠️ That case was rejected: check that they are still right.
   *[no] {""}
  }
btn-reuse-yes = Yes, attach them
btn-reuse-no = No
## The terminal runtime

terminal-howto =
    <b>How to use it here:</b> type a button's number to press it (e.g. 1); type text to answer; send a file with “file: /path/to/file.pdf” (several joined by “;”); /back, /cancel, /help, /language, /status, /case NUMBER work as in Telegram; /quit (or Ctrl-D) leaves — your answers are saved.
terminal-farewell = Your answers are saved; run again to continue.
terminal-no-file = No such file: { $paths }

## Issue 6: a user sending faster than a person can.

throttle-slow-down = ⏳ You are sending messages faster than we can read them. Please slow down: messages sent in the next few seconds are not read. Then continue where you were.

## Issue 15: scope, the licensee, rights as people write them, what the seller sees.

opt-screen_matter-not_ip = Not an IP matter
reject-not_ip =
    <b>We cannot take this complaint.</b>
    The platform's IP channel acts only on infringements of exclusive rights (trademark, patent, copyright) in listings on { $platform }. False statements about a brand, disputes about price, quality or delivery, and goods bought offline or on another site are not such infringements.

    <b>Where to go instead:</b>
    • false statements by a seller, price, quality or delivery: the platform's general support, or a dispute with the seller on your order;
    • a counterfeit bought in a shop or on another site: that shop or site, the police, or a court.
    If a listing on { $platform } itself uses your trademark, patent or copyright, start again and choose “My IP right is infringed”.
val-role-licensee = a licensee of the right holder
ask-licence_kind = Is your licence <b>exclusive</b>? Under an exclusive licence only you may use the right; under a non-exclusive one the right holder may license others too, and you also need the right holder's authorisation to act against infringers.
opt-licence_kind-exclusive = Exclusive licence
opt-licence_kind-non_exclusive = Non-exclusive licence
val-licence_kind-exclusive = exclusive licence
val-licence_kind-non_exclusive = non-exclusive licence
label-licence_kind = Licence
echo-rights_number = 🔢 { $count ->
    [one] 1 number
   *[other] { $count } numbers
  }: { $numbers }. If that is not what you meant, press “⬅️ Back” and send them again, one per line.
ask-offices_same = You cited { $rights } registrations. Are they all registered in the same office?
opt-offices_same-same = All in the same office
opt-offices_same-each = In different offices
val-offices_same-same = all in the same office
val-offices_same-each = one office per registration
label-offices_same = Offices
ask-rights_docs_cover = <b>{ $rights } rights, { $documents ->
    [one] 1 document
   *[other] { $documents } documents
  }</b>: add the others (press “⬅️ Back” and send them), or confirm that { $documents ->
    [one] one document covers
   *[other] these documents cover
  } them all.
opt-rights_docs_cover-covers = { $documents ->
    [one] One document covers them all
   *[other] These cover them all
  }
val-rights_docs_cover-covers = the claimant confirms the documents sent cover every right cited
label-rights_docs_cover = Documents for all rights
cleared = ↪️ These answers no longer apply and were cleared: { $steps }.
contact-skipped = ☎️ No phone number: that is fine, the email is enough.
ask-seller_contacts =
    <b>What the seller sees</b>
    If the platform passes your complaint to the seller, which of your contact details may go with it? Tap to switch each on or off, then “Done”. The platform's IP team always sees all of them.
opt-seller_contacts-contact_name = Name
opt-seller_contacts-contact_email = Email
opt-seller_contacts-contact_phone = Phone
opt-seller_contacts-contact_org = Organisation
val-seller_contacts-contact_name = name
val-seller_contacts-contact_email = email
val-seller_contacts-contact_phone = phone
val-seller_contacts-contact_org = organisation
seller_contacts-none = none of my contact details
label-seller_contacts = Shown to the seller
err-expected-pick = Please use the buttons below: tap to switch, then “Done”.
