# Что стало с карточками товаров принятой жалобы, по сообщению маркетплейса.
outcome-notice =
    📦 Жалоба <b>{ $number }</b>: что стало с карточками товаров.
    { $summary }.
outcome-listing = { $index }. { $link } — { $outcome }
outcome-first = { $count } из { $total } { $total ->
        [one] карточки товара
       *[other] карточек товаров
    } { $outcome }
outcome-next = { $count } { $outcome }
outcome-removed-on = { $count ->
        [one] удалена
       *[other] удалены
    } { $date }
outcome-restored-on = { $count ->
        [one] восстановлена
       *[other] восстановлены
    } { $date } (после возражения продавца)
outcome-not_found = { $count ->
        [one] не найдена
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
# На карточке и в /case: что стало с каждой карточкой товара.
staff-card-outcomes = 📦 Карточки товаров: { $summary }
case-outcomes = 📦 Карточки товаров: { $summary }
outcome-not-accepted = Эта карточка товара не была принята: сообщить о ней нельзя.
outcome-no-such-listing = В жалобе нет карточки товара с таким номером.
