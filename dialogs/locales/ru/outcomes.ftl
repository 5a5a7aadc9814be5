# Что стало с объявлениями принятой жалобы, по сообщению маркетплейса.
outcome-notice =
    📦 Жалоба <b>{ $number }</b>: что стало с объявлениями.
    { $summary }.
outcome-listing = { $index }. { $link } — { $outcome }
outcome-first = { $count } из { $total } { $total ->
        [one] объявления
       *[other] объявлений
    } { $outcome }
outcome-next = { $count } { $outcome }
outcome-removed-on = { $count ->
        [one] удалено
       *[other] удалены
    } { $date }
outcome-restored-on = { $count ->
        [one] восстановлено
       *[other] восстановлены
    } { $date } (после возражения продавца)
outcome-not_found = { $count ->
        [one] не найдено
       *[other] не найдены
    }
outcome-day = { $day } { $month }
month-1 = января
month-2 = февраля
month-3 = марта
month-4 = апреля
month-5 = мая
month-6 = июня
month-7 = июля
month-8 = августа
month-9 = сентября
month-10 = октября
month-11 = ноября
month-12 = декабря
# На карточке и в /case: что стало с каждым объявлением.
staff-card-outcomes = 📦 Объявления: { $summary }
case-outcomes = 📦 Объявления: { $summary }
outcome-not-accepted = Это объявление не было принято: сообщить о нём нельзя.
outcome-no-such-listing = В жалобе нет объявления с таким номером.
