## Personal data: /mydata, and the notice before an abandoned draft is deleted.

mydata-title = <b>What this bot holds about you</b>
mydata-cases = { $count ->
    [0] You have filed no complaint.
    [one] One complaint: { $numbers }.
   *[other] { $count } complaints: { $numbers }.
}
mydata-draft = An unfinished complaint (a draft). It is deleted { $days } days after your last answer.
mydata-files = Files you sent: { $count }.
mydata-what = With each complaint we keep your answers, your contact details (name, organisation, email, phone), the files, your confirmations with their time, your answers to the IP team, the case history and your Telegram id.
mydata-kept = When a case is closed, its personal data are erased after { $months } months; the case number, dates, decision and the files' hashes are kept.
mydata-ask = To get a copy of all of it, or to have it erased, write to { $contact } and give your Telegram id.
draft-expiring = ⏳ Your unfinished complaint (at “{ $section }”) will be deleted tomorrow, with the files you sent for it. To keep it, send /start and continue.
cmd-mydata = What we hold about you

## The staff group, when a case is erased and some of its messages are too old to delete.
staff-erased-card = 🗑 Case { $number }: its personal data were erased on { $date }.
staff-erased-by-hand = 🗑 Case { $number } was erased. Telegram lets the bot delete messages only for 48 hours, so { $count ->
    [one] one message about it is still here. Please delete it by hand (message menu → Delete):
   *[other] { $count } messages about it are still here. Please delete them by hand (message menu → Delete):
}
staff-erased-search = Search the group for { $number } to find any other message about it.
