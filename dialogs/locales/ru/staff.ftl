## Группа сотрудников: карточки дел, файлы и решения.

staff-card-title = 📁 <b>Дело { $number }</b> · { $status }
staff-dossier-title = 📁 <b>Досье { $number }</b>
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
staff-dossier-caption = { $number } · досье ({ $kind })
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
