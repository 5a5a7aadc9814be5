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
