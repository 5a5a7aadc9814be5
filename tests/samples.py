"""Answers that pass every text step's validator: one sample complaint, for tests and the bench."""

from __future__ import annotations

LISTING_LINK = "https://aliexpress.ru/item/1005001234567890.html"

TEXT_ANSWERS = {
    "rights_number": "RU 123456",
    "rights_jurisdiction": "Russia — Rospatent",
    "work_description": "A photo of a red fox, taken in 2020",
    "rights_holder": "Acme LLC",
    "infringement_description": "The listings use our logo on counterfeit bags",
    "claim_subject_other": "Warn the seller first",
    "evidence_note": "Photo 1 shows the logo",
    "contact_name": "Ivan Petrov",
    "contact_org": "Acme Law",
    "contact_email": "ivan@example.com",
    "contact_phone": "+7 916 123-45-67",
}
