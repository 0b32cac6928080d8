"""Deterministic, realistic sandbox accounting data.

Record `i` of a data type is computed from (connection id, data type, i) alone, so every pull
of a connection sees the same ids, amounts and dates, and a page can be made without making
the pages before it. Dates fall in the 24 months before the connection was created.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

DATA_TYPES = {
    "chartOfAccounts": "Chart of accounts",
    "customers": "Customers",
    "suppliers": "Suppliers",
    "invoices": "Invoices",
    "bills": "Bills",
    "payments": "Payments",
}
TYPICAL_COUNTS = {
    "chartOfAccounts": 60,
    "customers": 220,
    "suppliers": 130,
    "invoices": 1800,
    "bills": 900,
    "payments": 1500,
}
HISTORY_DAYS = 730

_FIRST = [
    "North",
    "Silver",
    "Blue",
    "Oak",
    "Harbour",
    "Summit",
    "Maple",
    "River",
    "Granite",
    "Copper",
    "Meadow",
    "Bright",
    "Golden",
    "Iron",
    "Cedar",
    "Lark",
    "Fox",
    "Willow",
]
_SECOND = [
    "Bakery",
    "Logistics",
    "Studio",
    "Builders",
    "Dental",
    "Coffee",
    "Farms",
    "Print",
    "Electrical",
    "Florists",
    "Consulting",
    "Motors",
    "Optics",
    "Outfitters",
    "Labs",
]
_SUFFIX = ["Ltd", "& Co", "Group", "LLP", "Partners", "Inc"]
_ACCOUNTS = [
    ("Sales", "Income"),
    ("Cost of sales", "Expense"),
    ("Rent", "Expense"),
    ("Wages", "Expense"),
    ("Bank", "Asset"),
    ("Debtors", "Asset"),
    ("Creditors", "Liability"),
    ("VAT", "Liability"),
    ("Equipment", "Asset"),
    ("Travel", "Expense"),
    ("Utilities", "Expense"),
    ("Capital", "Equity"),
]


@dataclass(frozen=True)
class Generated:
    external_id: str
    display_name: str
    occurred_on: date | None
    amount: Decimal | None
    payload: dict


def _rng(connection_id: str, data_type: str, index: int) -> random.Random:
    return random.Random(f"{connection_id}:{data_type}:{index}")


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def _name(connection_id: str, kind: str, index: int) -> str:
    rng = _rng(connection_id, kind, index)
    return f"{rng.choice(_FIRST)} {rng.choice(_SECOND)} {rng.choice(_SUFFIX)}"


def counts_for(connection_id: str, scale: int = 1) -> dict[str, int]:
    """Each company is a little different: between 70% and 130% of a typical one."""
    factor = 0.7 + random.Random(connection_id).random() * 0.6
    return {kind: max(1, int(n * factor * scale)) for kind, n in TYPICAL_COUNTS.items()}


def _invoice(connection_id: str, index: int, anchor: date, customers: int) -> Generated:
    rng = _rng(connection_id, "invoices", index)
    issued = anchor - timedelta(days=rng.randrange(HISTORY_DAYS))
    total = _money(rng.uniform(40, 12000))
    customer = rng.randrange(customers)
    paid = rng.random() < 0.7
    payload = {
        "id": f"INV-{index + 1:06d}",
        "invoiceNumber": f"{index + 1:06d}",
        "customerRef": {
            "id": f"CUS-{customer + 1:05d}",
            "companyName": _name(connection_id, "customers", customer),
        },
        "issueDate": issued.isoformat(),
        "dueDate": (issued + timedelta(days=30)).isoformat(),
        "currency": "GBP",
        "totalAmount": str(total),
        "amountDue": "0.00" if paid else str(total),
        "status": "Paid" if paid else ("Overdue" if rng.random() < 0.3 else "Submitted"),
    }
    return Generated(payload["id"], f"Invoice {payload['invoiceNumber']}", issued, total, payload)


def generate(
    connection_id: str, data_type: str, index: int, anchor: date, counts: dict[str, int]
) -> Generated:
    rng = _rng(connection_id, data_type, index)
    if data_type == "chartOfAccounts":
        name, kind = _ACCOUNTS[index % len(_ACCOUNTS)]
        code = 100 + index * 10
        suffix = f" {index // len(_ACCOUNTS) + 1}" if index >= len(_ACCOUNTS) else ""
        payload = {
            "id": f"ACC-{code}",
            "nominalCode": str(code),
            "name": f"{name}{suffix}",
            "type": kind,
            "status": "Active",
            "currency": "GBP",
        }
        return Generated(payload["id"], payload["name"], None, None, payload)
    if data_type in ("customers", "suppliers"):
        prefix = "CUS" if data_type == "customers" else "SUP"
        name = _name(connection_id, data_type, index)
        payload = {
            "id": f"{prefix}-{index + 1:05d}",
            "customerName" if data_type == "customers" else "supplierName": name,
            "emailAddress": f"accounts{index + 1}@{name.split()[0].lower()}.example",
            "status": "Active" if rng.random() < 0.9 else "Archived",
            "defaultCurrency": "GBP",
        }
        return Generated(payload["id"], name, None, None, payload)
    if data_type == "invoices":
        return _invoice(connection_id, index, anchor, counts["customers"])
    if data_type == "bills":
        issued = anchor - timedelta(days=rng.randrange(HISTORY_DAYS))
        total = _money(rng.uniform(20, 8000))
        supplier = rng.randrange(counts["suppliers"])
        payload = {
            "id": f"BIL-{index + 1:06d}",
            "reference": f"B{index + 1:06d}",
            "supplierRef": {
                "id": f"SUP-{supplier + 1:05d}",
                "supplierName": _name(connection_id, "suppliers", supplier),
            },
            "issueDate": issued.isoformat(),
            "dueDate": (issued + timedelta(days=30)).isoformat(),
            "currency": "GBP",
            "totalAmount": str(total),
            "status": "Paid" if rng.random() < 0.75 else "Open",
        }
        return Generated(payload["id"], f"Bill {payload['reference']}", issued, total, payload)
    if data_type == "payments":
        # Payment i settles invoice i: same customer, paid some days after issue.
        invoice = _invoice(connection_id, index % counts["invoices"], anchor, counts["customers"])
        paid_on = min(anchor, invoice.occurred_on + timedelta(days=rng.randrange(3, 60)))
        amount = invoice.amount if rng.random() < 0.85 else _money(float(invoice.amount) / 2)
        payload = {
            "id": f"PAY-{index + 1:06d}",
            "date": paid_on.isoformat(),
            "customerRef": invoice.payload["customerRef"],
            "currency": "GBP",
            "totalAmount": str(amount),
            "lines": [{"invoiceId": invoice.external_id, "amount": str(amount)}],
        }
        return Generated(payload["id"], f"Payment {index + 1:06d}", paid_on, amount, payload)
    raise ValueError(f"Unknown data type {data_type!r}")
