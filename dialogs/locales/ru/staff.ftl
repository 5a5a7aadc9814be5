## Группа сотрудников: карточки дел, файлы и решения.

staff-card-title = 📁 <b>Дело { $number }</b> · { $status }
staff-card-submitted = Подано: { $at }
staff-card-claimant = Заявитель: { $name } · Telegram id <code>{ $user_id }</code> · { $username }
staff-card-assignee = Ответственный: { $name }
staff-card-record = История заявителя: подано { $filed }, принято { $accepted }, отклонено { $rejected }
staff-card-earlier = ⚠️ Ранее были дела о той же карточке товара: { $cases }
staff-file-caption = { $number } · { $section }
    { $name }
    sha256: <code>{ $sha256 }</code>
file-section-evidence = Доказательства
file-section-rights_docs = Документы о правах
file-section-authority_docs = Документы о полномочиях

status-submitted = новое
status-in_review = на рассмотрении
status-info_requested = ждём ответа заявителя
status-accepted = принято
status-rejected = отклонено
status-forwarded = передано продавцу

staff-btn-take = 🙋 Взять
staff-btn-ask = ❓ Спросить заявителя
staff-btn-accept = ✅ Принять
staff-btn-reject = ⛔ Отклонить
staff-btn-forward = 📨 Передать продавцу

staff-refused = ⛔ Действовать по делам могут только участники команды.
staff-refused-state = Это действие не подходит для дела в его текущем состоянии.
staff-unknown-reason = Неизвестная причина.
staff-not-a-card = Это не карточка дела.
staff-taken = Вы взяли { $number }.
staff-ask-hint = Ответьте на эту карточку своим вопросом: он будет отправлен заявителю.
staff-question-sent = ❓ Вопрос отправлен заявителю по { $number }.
staff-decided = Записано: { $number } — { $status }.
staff-reject-choose = Выберите причину отклонения { $number }:
staff-reject-other-hint = Ответьте на карточку командой /reject и причиной своими словами.
staff-answer = 💬 <b>Заявитель ответил</b> ({ $number }):
    { $text }
staff-answer-file = 💬 { $number } · ответ заявителя
    { $name }
    sha256: <code>{ $sha256 }</code>
staff-reason-out_of_scope = Не рассматриваем
staff-reason-documents_missing = Нет документов
staff-reason-no_authority = Нет полномочий
staff-reason-not_platform_listing = Не карточка товара платформы
staff-reason-other = Другое (написать)
staff-btn-cancel = ↩️ Назад

## Issue 6: files that could not be posted in the group.

staff-card-undelivered = ⚠️ { $count ->
    [one] { $count } файл есть
    [few] { $count } файла есть
   *[other] { $count } файлов есть
  } только в ZIP, сюда не выложены: { $names }

## Case workflow, staff commands (/find, /mine, /stats) and the seller notice (issue 8).

status-withdrawn = отозвано заявителем
staff-btn-take_over = 🙋 Забрать себе
staff-refused-not-assignee = Дело ведёт { $name }: действовать может только он (или сначала заберите дело себе).
staff-evidence = 📎 <b>Заявитель добавил доказательства</b> ({ $number }):
    { $text }
staff-evidence-file = 📎 { $number } · доказательства от заявителя
    { $name }
    sha256: <code>{ $sha256 }</code>
staff-seller-notice = 📨 { $number } · уведомление для продавца (PDF)
staff-find-usage = Отправьте /find и номер дела, ссылку на товар, Telegram id или @username заявителя, правообладателя или регистрационный номер.
staff-find-title = 🔎 <b>Дела по запросу «{ $query }»</b>: { $count }
staff-find-none = 🔎 Нет дел по запросу «{ $query }».
staff-case-line = { $number } · { $status } · { $date } · { $holder } · { $assignee }
staff-list-more = … и ещё { $count }.
staff-mine-title = 🙋 <b>Ваши дела без решения</b>: { $count }
staff-mine-none = 🙋 У вас нет дел, ожидающих решения.
staff-stats-usage = Отправьте /stats и число дней (1–3650), например /stats 30.
staff-stats =
    📊 <b>Дела за последние { $days } дн.</b> (с { $since }): { $total }
    { $statuses }
    Медиана времени до первого действия сотрудника: { $first } (дел: { $acted })
    Медиана времени до решения: { $decision } (дел: { $decided })
staff-stats-status = { $status }: { $count }
staff-stats-hours = { $hours } ч
staff-stats-none = —

## The card that is enough to decide (issue 8).

staff-card-right = Право: { $right } · подаёт { $role }
staff-card-holder = Правообладатель: { $holder } · права: { $cited }
staff-card-files = Объявлений: { $listings } · файлы: { $files }
staff-card-docs-cover = 📄 Прав: { $rights }, документов: { $documents }; заявитель подтверждает, что они подтверждают все указанные права
staff-card-missing = ⚠️ Не хватает: { $missing }
staff-card-decided = Решение: { $decision }, { $who }, { $at } · причина: { $reason }
staff-card-listings-count = Объявлений: { $count } (см. досье выше)

## Decisions confirmed, undone; per-listing outcomes; reminders (issue 8).

status-accepting = принимается — заявитель ещё не уведомлён
status-rejecting = отклоняется — заявитель ещё не уведомлён
staff-btn-per_listing = 🧩 По объявлениям
staff-btn-undo = ↩ Отменить решение
staff-btn-confirm_accept = ✔️ Подтвердить принятие
staff-btn-confirm_reject = ✔️ Подтвердить отказ
staff-btn-confirm_listings = ✔️ Подтвердить решения
staff-btn-cancel_decision = ✖️ Отмена
staff-btn-listings-next = ➡️ Далее
staff-listing-accepted = ✅ принять
staff-listing-btn = { $index }. { $link } — { $outcome }
staff-confirm-hint = Подтвердите решение на карточке или отмените его.
staff-listings-hint = Нажимайте на объявление, чтобы сменить решение по нему, затем «Далее».
staff-listings-too-many = Слишком много объявлений, чтобы отметить каждое здесь; примите решение по жалобе целиком.
staff-nothing-to-confirm = Нет решения для подтверждения: нажмите «Принять», «Отклонить» или «По объявлениям» снова.
staff-decided-undo = Записано: { $number } — { $status }. Заявитель узнает через { $seconds } с, если вы не отмените решение.
staff-undone = Решение отменено: { $number } снова на рассмотрении; заявитель ничего не узнал.
staff-cancelled = По { $number } ничего не решено.
staff-reminder = ⏰ { $number } ждёт { $minutes } мин, и никто её не взял.
staff-card-per-listing = по объявлениям: принято { $accepted } из { $total }

## Одно сообщение на дело: карточка — подпись к PDF досье; файлы по запросу (задача 8).

staff-btn-files = 📎 Файлы
staff-files-sent = 📎 { $number }: { $count ->
    [one] { $count } файл отправляется
    [few] { $count } файла отправляются
   *[other] { $count } файлов отправляются
  } под карточку.
staff-files-none = В деле { $number } нет файлов.
staff-files-zip = 📎 { $number } · { $count ->
    [one] { $count } файл
    [few] { $count } файла
   *[other] { $count } файлов
  } одним ZIP (PDF досье, manifest.json с sha256, оригиналы по разделам)

## Issue 14: what Telegram refused.

staff-card-unreachable = 🚫 Заявитель заблокировал бота: сообщения ему не доставляются.
staff-files-zip-part = 📎 { $number } · ZIP, часть { $part } из { $parts }: распакуйте все части в одну папку
staff-too-large = ⚠️ { $number }: Telegram не принял { $names } (больше предела загрузки). На сервере: <code>python -m bot export { $number }</code>
