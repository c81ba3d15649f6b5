#!/usr/bin/env python3
"""An ERP's side of the CRM integration (docs/orders-and-churn.md): push products, warehouses,
inventory and orders to /api/v1/integration/ in batches, with the service account's token.
Standard library only; copy it into your ERP's export job and replace `read_rows`.

    python erp_client.py --url https://crm.example.com --token <token> orders orders.jsonl

Each line of the file is one row as JSON (the fields are in docs/orders-and-churn.md). The
script prints the counts of every batch and the rejected rows with their reasons, and exits
with 1 if any row was rejected. Sending the same file again changes nothing.
"""

import argparse
import json
import sys
import time
import urllib.error
import urllib.request

ENTITIES = ("products", "warehouses", "inventory", "orders")
BATCH = 2000  # rows a call (the CRM takes up to 5,000)


def push(url: str, token: str, entity: str, rows: list[dict], *, batch: int = BATCH, retries: int = 3):
    """Send `rows` in batches; yield each batch's answer (counts and per-row results)."""
    if entity not in ENTITIES:
        raise ValueError(f"entity must be one of {ENTITIES}")
    endpoint = f"{url.rstrip('/')}/api/v1/integration/{entity}/"
    for start in range(0, len(rows), batch):
        body = json.dumps({"rows": rows[start : start + batch]}, ensure_ascii=False).encode()
        yield _post(endpoint, token, body, retries)


def _post(endpoint: str, token: str, body: bytes, retries: int) -> dict:
    request = urllib.request.Request(
        endpoint, data=body, method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json; charset=utf-8"},
    )
    for attempt in range(retries):
        try:
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310  (the CRM's address)
                return json.load(response)
        except urllib.error.HTTPError as exc:
            if exc.code < 500 or attempt == retries - 1:  # a 4xx will not get better by retrying
                raise SystemExit(f"{exc.code}: {exc.read().decode(errors='replace')}") from None
        except urllib.error.URLError:
            if attempt == retries - 1:
                raise
        time.sleep(2**attempt)  # the same batch again is safe: the API is idempotent
    raise AssertionError("unreachable")


def read_rows(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the CRM's address")
    parser.add_argument("--token", required=True, help="the ERP account's token (crm erp_account)")
    parser.add_argument("entity", choices=ENTITIES)
    parser.add_argument("file", help="rows as JSON Lines")
    arguments = parser.parse_args(argv)
    rejected = 0
    for answer in push(arguments.url, arguments.token, arguments.entity, read_rows(arguments.file)):
        print(json.dumps(answer["counts"]))
        for row in answer["rows"]:
            if row["result"] == "rejected":
                rejected += 1
                print(f"  row {row['row']} ({row['key']}): {json.dumps(row['errors'], ensure_ascii=False)}")
    return 1 if rejected else 0


if __name__ == "__main__":
    sys.exit(main())
