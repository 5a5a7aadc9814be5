## Поданное дело, для заявителя: решения, вопросы команды, /status и /case.

case-taken = 🔎 Ваше дело <b>{ $number }</b> взято на рассмотрение командой платформы по защите исключительных прав.
case-question =
    ❓ <b>У команды есть вопрос по делу { $number }:</b>
    { $question }

    Нажмите «Ответить» и отправьте ответ: текст, фото или документы.
case-answer-btn = ✍️ Ответить
case-answer-start = Отправьте ответ на вопрос по делу <b>{ $number }</b>: текст, фото или документы, в любом числе сообщений. Когда закончите, нажмите «Готово».
case-answer-added = Добавлено к ответу по делу <b>{ $number }</b>. Отправьте ещё или нажмите «Готово».
case-answer-finish-btn = ✅ Готово, отправить
case-answer-sent = ✅ Ваш ответ по делу <b>{ $number }</b> отправлен команде.
case-answer-wrong-kind = Пожалуйста, ответьте текстом, фото или документами.
case-question-answered = На этот вопрос уже дан ответ.
case-not-yours = Этого дела нет среди ваших.
case-accepted = ✅ Ваша жалоба <b>{ $number }</b> принята. Платформа примет меры по карточкам товаров.
case-rejected =
    ⛔ Ваша жалоба <b>{ $number }</b> отклонена.
    Причина: { $reason }
    { $note }
case-forwarded = 📨 Ваша жалоба <b>{ $number }</b> передана продавцу карточки товара, как предусматривают правила платформы.
reject-reason-out_of_scope = платформа не рассматривает такие обращения (см. правила платформы о защите исключительных прав).
reject-reason-documents_missing = документы, подтверждающие права, отсутствуют или недостаточны.
reject-reason-no_authority = нет достаточных полномочий действовать от имени правообладателя.
reject-reason-not_platform_listing = ссылки ведут не на карточки товаров платформы.
reject-reason-other = см. пояснение ниже.

status-title = <b>Ваши дела</b>
status-line = { $number } · { $date } · { $status }
status-none = Вы ещё не подавали жалоб. Отправьте /start, чтобы подать.
status-hint = Отправьте /case НОМЕР, чтобы посмотреть одно из них.
case-detail =
    <b>Дело { $number }</b> · { $status }
    Подано: { $date }
case-usage = Отправьте номер дела, например /case IP-2026-000001.
case-status-submitted = получено
case-status-in_review = на рассмотрении
case-status-info_requested = ждём вашего ответа
case-status-accepted = принято
case-status-rejected = отклонено
case-status-forwarded = передано продавцу

## Withdrawing a complaint and adding evidence unasked (issue 8).

case-status-withdrawn = отозвано
cmd-withdraw = Отозвать жалобу до решения
case-withdrawn = ↩️ Ваша жалоба <b>{ $number }</b> отозвана. Команда платформы не будет её рассматривать.
case-withdraw-usage = Отправьте номер жалобы, которую хотите отозвать, например /withdraw IP-2026-000001.
case-withdraw-btn = ↩️ Отозвать жалобу
case-withdraw-confirm = Отозвать жалобу <b>{ $number }</b>? Команда прекратит работу по ней; отменить это нельзя.
case-withdraw-yes-btn = Да, отозвать
case-refused-state = Это уже невозможно: по делу принято решение или оно отозвано.
case-evidence-btn = 📎 Добавить доказательства
case-evidence-start = Отправьте то, что хотите добавить к делу <b>{ $number }</b>: текст, фото или документы, в любом числе сообщений. Когда закончите, нажмите «Готово».
case-evidence-added = Добавлено к делу <b>{ $number }</b>. Отправьте ещё или нажмите «Готово».
case-evidence-finish-btn = ✅ Готово
case-evidence-sent = ✅ Добавленное к делу <b>{ $number }</b> передано команде.
case-evidence-not-adding = Сейчас вы ничего не добавляете к этому делу.

## The statement of reasons with a rejection: what the claimant can do next (issue 8).

reject-redress-title = <b>Что вы можете сделать</b>
reject-redress-out_of_scope = • Если речь о конкретной карточке товара, нарушающей ваши права, подайте новую жалобу (/start) с описанием этого нарушения.
reject-redress-documents_missing = • Подайте жалобу снова (/start) с документами о ваших правах: свидетельством, патентом или подтверждением авторства — как требуют правила для вашего вида права.
reject-redress-no_authority = • Подайте снова (/start) с документом о полномочиях: доверенностью от правообладателя или подтверждением, что вы и есть правообладатель. Письмо о согласии на продажу товаров не является таким подтверждением.
reject-redress-not_platform_listing = • Подайте снова (/start) с прямыми ссылками на карточки товаров платформы (не на страницы поиска, витрины магазинов или другие сайты).
reject-redress-other = • Если вы можете устранить то, о чём сказано в пояснении выше, подайте жалобу снова (/start).
reject-redress-review = • Если вы считаете решение ошибочным, подайте жалобу снова с объяснением почему: команда рассмотрит её заново.
reject-redress-courts = • Это решение не ограничивает ваше право защищать свои права в суде или в компетентных органах.

## A decision per listing (issue 8).

case-status-accepting = на рассмотрении
case-status-rejecting = на рассмотрении
case-decided-listings = 🧩 По вашей жалобе <b>{ $number }</b> решено по каждой карточке товара:
case-listing-accepted = { $index }. { $link } — ✅ принято: платформа примет меры.
case-listing-rejected = { $index }. { $link } — ⛔ отклонено: { $reason }
