"""The example ERP client of docs/orders-and-churn.md works against a running CRM: it pushes a
JSON Lines file over HTTP with the service account's token, twice, the second time changing
nothing, and reports a rejected row with its reason."""

import importlib.util
import json
from pathlib import Path

import pytest

from crm.orders.models import Product
from crm.orders.services import erp_account_issue

CLIENT = Path(__file__).resolve().parents[4] / "docs" / "examples" / "erp_client.py"


def client_module():
    spec = importlib.util.spec_from_file_location("erp_client", CLIENT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db(transaction=True)
def test_the_example_client_pushes_a_file_twice(live_server, tmp_path, capsys):
    from crm.customers.seeding import seed_all

    seed_all()
    _user, token = erp_account_issue()
    rows = [{"external_id": f"P{i}", "name": f"工业路由器{i}", "model": "R-200"} for i in range(5)]
    rows.append({"external_id": "P-bad", "name": "价格不对", "price": "一千"})
    path = tmp_path / "products.jsonl"
    path.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows), encoding="utf-8")
    erp_client = client_module()
    arguments = ["--url", live_server.url, "--token", token, "products", str(path)]
    assert erp_client.main(arguments) == 1  # one row rejected
    first = capsys.readouterr().out
    assert '"created": 5' in first and "P-bad" in first and "price" in first
    assert Product.objects.count() == 5
    erp_client.main(arguments)
    assert '"unchanged": 5' in capsys.readouterr().out
