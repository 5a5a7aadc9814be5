## Досье для сотрудников (PDF). Названия разделов и ответов — те же, что в анкете.

pdf-title = Досье жалобы { $number }
pdf-page = Страница
pdf-case-number = Номер дела
pdf-status = Статус
pdf-submitted = Подано (UTC)
pdf-generated = Сформировано (UTC)
pdf-assignee = Ответственный
pdf-claimant-lang = Язык заявителя
pdf-telegram-user = Telegram id пользователя
pdf-telegram-chat = Telegram id чата
pdf-not-provided = не указано
pdf-not-recorded = НЕ ЗАПИСАНО
pdf-no-links = Нет ссылок на карточки товаров
pdf-confirmation-text = Точный показанный текст
pdf-confirmation-at = Подтверждено (UTC)
pdf-confirmation-lang = Язык
pdf-files = Файлы ({ $count })
pdf-no-files = Нет файлов
pdf-file-section = Раздел
pdf-file-type = Тип (по содержимому)
pdf-file-size = Размер
pdf-file-sha256 = SHA-256
pdf-file-path = В архиве
pdf-bytes = байт
pdf-audit = Журнал действий
pdf-audit-who = Кто
pdf-audit-detail = Подробности

## The notice for the seller (PDF), in the seller's language (issue 8).

seller-title = Уведомление о жалобе на нарушение интеллектуальных прав { $number }
seller-intro = Платформа получила жалобу на то, что перечисленные ниже объявления нарушают интеллектуальные права. По правилам платформы она передаётся вам вместе со сведениями, раскрытие которых заявитель допустил.
seller-listings = Объявления, на которые подана жалоба ({ $count })
seller-rights = Права, на которые ссылается заявитель
seller-contacts = Контактные данные заявителя
seller-contacts-withheld = Не раскрываются: заявитель не дал согласия на их раскрытие.
seller-not-disclosed = Не раскрываются
seller-next = Что вы можете сделать
seller-next-text = Вы можете связаться с заявителем, чтобы урегулировать вопрос, или направить платформе документы, подтверждающие, что ваши объявления не нарушают эти права. Указывайте номер дела в ответе.
