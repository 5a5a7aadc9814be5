import pytest
from pydantic import ValidationError

from dialogs.validators import Invalid, Valid
from dialogs.validators.links import (
    ListingLinkRules,
    check_link,
    parse_links,
    split_links,
)

RULES = ListingLinkRules()
CANON = "https://aliexpress.ru/item/1005001234567890.html"


@pytest.mark.parametrize(
    "raw",
    [
        CANON,
        "  https://aliexpress.ru/item/1005001234567890.html  ",
        "https://aliexpress.ru/item/1005001234567890.html?sku_id=12000&spm=a2g2w.productlist#nav",
        "aliexpress.ru/item/1005001234567890.html",
        "http://aliexpress.ru/item/1005001234567890.html",
        "HTTPS://M.AliExpress.RU/item/1005001234567890.html",
        "https://m.aliexpress.com/item/1005001234567890.html",
        "https://www.aliexpress.com/item/1005001234567890.html?gatewayAdapt=glo2rus",
        "https://ru.aliexpress.com/item/1005001234567890.html",
        "https://sale.aliexpress.com/item/1005001234567890.html",
        "https://m.aliexpress.com/i/1005001234567890.html",
        "https://aliexpress.ru/item/1005001234567890",
        "https://aliexpress.ru/item/1005001234567890.html/",
        "https://aliexpress.ru./item/1005001234567890.html",
        "https://aliexpress.ru:443/item/1005001234567890.html",
        "//aliexpress.ru/item/1005001234567890.html",
        "https://ru.aliexpress.com/item/Some-Product-Title/1005001234567890.html",
        "https://aliexpress.ru/store/product/title/912345_1005001234567890.html",
    ],
)
def test_listing_links_are_canonicalised(raw):
    assert check_link(raw, RULES) == Valid(CANON)


def test_default_rules_are_used_when_none_given():
    assert check_link("aliexpress.ru/item/1.html") == Valid("https://aliexpress.ru/item/1.html")


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("https://aliexpress.ru/store/1234567", "store"),
        ("https://www.aliexpress.com/store/1234567/pages/all-items.html", "store"),
        ("https://aliexpress.ru/wholesale?SearchText=кроссовки", "search"),
        ("https://aliexpress.ru/popular/shoes.html", "search"),
        ("https://www.aliexpress.com/w/wholesale-nike-shoes.html", "search"),
        ("https://aliexpress.ru/?searchText=nike", "search"),
        ("https://aliexpress.ru/", "home"),
        ("aliexpress.ru", "home"),
        ("https://m.aliexpress.ru", "home"),
        ("https://aliexpress.ru/category/202001900/shoes.html", "other"),
        ("https://aliexpress.ru/item/not-a-number.html", "other"),
        ("https://login.aliexpress.ru/", "home"),
    ],
)
def test_platform_pages_that_are_not_listings(raw, kind):
    assert check_link(raw, RULES) == Invalid("err-link-not-listing", {"kind": kind})


@pytest.mark.parametrize(
    ("raw", "host"),
    [
        ("https://google.com/search?q=aliexpress.ru/item/1.html", "google.com"),
        ("https://www.ozon.ru/product/123", "www.ozon.ru"),
        ("https://aliexpress.ru@evil.example.com/item/1.html", "evil.example.com"),
        ("https://aliexpress.ru.evil.com/item/1.html", "aliexpress.ru.evil.com"),
        ("https://notaliexpress.ru/item/1.html", "notaliexpress.ru"),
        ("https://Алиэкспресс.рф/item/1.html", "алиэкспресс.рф"),
    ],
)
def test_other_sites(raw, host):
    assert check_link(raw, RULES) == Invalid("err-link-other-site", {"host": host})


@pytest.mark.parametrize(
    "raw",
    [
        "https://a.aliexpress.com/_mKZ1abc",
        "a.aliexpress.com/_DmQ2x",
        "https://s.click.aliexpress.com/e/_xyz",
    ],
)
def test_short_links_are_refused(raw):
    assert check_link(raw, RULES) == Invalid("err-link-short", {})


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "hello",
        "просто текст",
        "ftp://aliexpress.ru/item/1.html",
        "mailto:seller@aliexpress.ru",
        "javascript:alert(1)",
        "https://",
        "http://exa mple.com/item/1.html",
        "https://-bad-.ru/item/1.html",
    ],
)
def test_not_urls(raw):
    assert check_link(raw, RULES) == Invalid("err-link-not-url", {})


def test_too_long_link():
    raw = CANON + "?x=" + "a" * 3000
    assert check_link(raw, RULES) == Invalid("err-link-too-long", {"limit": "2048"})


def test_custom_rules():
    rules = ListingLinkRules(
        hosts=["Shop.Example"],
        path_patterns=[r"^/p/(?P<id>[a-z0-9]+)$"],
        canonical_template="https://shop.example/p/{id}",
    )
    assert check_link("www.shop.example/p/ab12?utm=1", rules) == Valid(
        "https://shop.example/p/ab12"
    )
    assert check_link(CANON, rules).code == "err-link-other-site"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"path_patterns": [r"^/item/(\d+)$"]},
        {"path_patterns": ["^/item/(?P<id>"]},
        {"canonical_template": "https://aliexpress.ru/item/x.html"},
        {"canonical_template": "aliexpress.ru/{id}"},
        {"hosts": ["bad host"]},
    ],
)
def test_bad_rules_are_refused(kwargs):
    with pytest.raises(ValidationError):
        ListingLinkRules(**kwargs)


def test_split_links_keeps_commas_inside_urls_and_skips_words():
    text = (
        "Вот ссылки: https://aliexpress.ru/item/1.html?sku=1,2,"
        "aliexpress.ru/item/2.html;(https://aliexpress.ru/item/3.html). и т.е. всё"
    )
    assert split_links(text) == [
        "https://aliexpress.ru/item/1.html?sku=1,2",
        "aliexpress.ru/item/2.html",
        "https://aliexpress.ru/item/3.html",
    ]


def test_parse_links_mixed_message():
    text = """Нарушения:
    https://aliexpress.ru/item/1.html?spm=a2g0o.detail&sku_id=5
    https://m.aliexpress.ru/item/1.html, https://www.aliexpress.com/item/2.html
    https://google.com
    https://aliexpress.ru/store/42 aliexpress.ru/item/3.html
    https://a.aliexpress.com/_abc
    """
    verdict = parse_links(text, RULES, already=["https://aliexpress.ru/item/3.html"])
    assert verdict.error is None
    assert verdict.accepted == [
        "https://aliexpress.ru/item/1.html",
        "https://aliexpress.ru/item/2.html",
    ]
    assert [(i.status, i.canonical) for i in verdict.items] == [
        ("accepted", "https://aliexpress.ru/item/1.html"),
        ("duplicate", "https://aliexpress.ru/item/1.html"),
        ("accepted", "https://aliexpress.ru/item/2.html"),
        ("rejected", None),
        ("rejected", None),
        ("duplicate", "https://aliexpress.ru/item/3.html"),
        ("rejected", None),
    ]
    assert verdict.items[0].raw == "https://aliexpress.ru/item/1.html?spm=a2g0o.detail&sku_id=5"
    assert [i.error.code for i in verdict.rejected] == [
        "err-link-other-site",
        "err-link-not-listing",
        "err-link-short",
    ]
    assert len(verdict.duplicates) == 2
    assert all(i.error is None for i in verdict.items if i.status != "rejected")


def test_parse_links_already_saved_in_another_form_is_a_duplicate():
    verdict = parse_links(
        "aliexpress.ru/item/7.html", RULES, already=["https://m.aliexpress.ru/item/7.html?x=1"]
    )
    assert verdict.accepted == []
    assert verdict.items[0].status == "duplicate"


def test_parse_links_no_links():
    verdict = parse_links("у меня нет ссылки, только описание.", RULES, already=[])
    assert verdict.error == Invalid("err-links-none", {})
    assert verdict.items == [] and verdict.accepted == []


def test_parse_links_too_many():
    text = "\n".join(f"https://aliexpress.ru/item/{n}.html" for n in range(1, 52))
    verdict = parse_links(text, RULES, already=[])
    assert verdict.error == Invalid("err-links-too-many", {"count": "51", "limit": "50"})
    assert verdict.accepted == [] and verdict.items == []
    exactly = "\n".join(f"https://aliexpress.ru/item/{n}.html" for n in range(1, 51))
    assert len(parse_links(exactly, RULES, already=[]).accepted) == 50


def test_parse_links_limit_is_a_setting():
    rules = ListingLinkRules(max_links_per_message=2)
    verdict = parse_links("aliexpress.ru/item/1.html aliexpress.ru/item/2.html x.ru", rules)
    assert verdict.error == Invalid("err-links-too-many", {"count": "3", "limit": "2"})
