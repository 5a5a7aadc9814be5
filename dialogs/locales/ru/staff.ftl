## Группа сотрудников: карточки дел, файлы и решения.

staff-card-title = 📁 <b>Дело { $number }</b> · { $status }
staff-card-submitted = Подано: { $at }
staff-card-claimant = Заявитель: { $name } · Telegram id <code>{ $user_id }</code> · { $username }
staff-card-assignee = Ответственный: { $name }
staff-card-record = История заявителя: подано { $filed }, принято { $accepted }, отклонено { $rejected }
staff-card-earlier = ⚠️ Ранее были дела о том же объявлении: { $cases }
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
