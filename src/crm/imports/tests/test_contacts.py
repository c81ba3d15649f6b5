"""Importing contacts (IMP-1, CUS-3): by customer number or name, within the importer's scope,
duplicates of the same customer, the first contact made primary, keys and search tokens."""

from django.utils import translation

from crm.customers.models import Contact, CustomerKey
from crm.customers.selectors.customers import customer_search
from crm.customers.testing import make_contact, make_customer
from crm.imports.tests.conftest import csv_bytes, run_import

HEADER = ["客户编号", "客户名称", "姓名", "性别", "职位", "办公电话", "手机", "邮箱", "生日", "主要联系人"]


def test_contacts_are_imported_to_their_customers(sales):
    huaxin = make_customer(manager=sales.manager, name="上海华信科技有限公司")
    yuanjing = make_customer(manager=sales.colleague, name="杭州远景网络有限公司")
    make_contact(customer=yuanjing, name="老联系人")
    outside = make_customer(manager=sales.other, name="深圳腾飞电子有限公司")
    rows = [
        HEADER,
        [huaxin.number, "", "王小明", "男", "采购经理", "021-62345678", "13900001111", "wxm@huaxin.cn", "1985/3/8", ""],
        ["", "华信科技", "李娜", "女", "总经理", "021-62345679", "", "", "", "是"],
        ["", "杭州远景网络有限公司", "赵强", "male", "工程师", "0571-88881111", "", "", "", ""],
        ["", "深圳腾飞电子有限公司", "陈某", "男", "经理", "0755-22223333", "", "", "", ""],  # outside the scope
        [huaxin.number, "", "王小明", "男", "采购经理", "021-62345678", "13900001111", "", "", ""],  # duplicate
        ["", "不存在的公司", "某人", "男", "经理", "021-1", "", "", "1990-13-01", ""],
    ]
    with translation.override("en"):
        job = run_import(sales.supervisor, csv_bytes(rows), "联系人.csv", record_type="contacts", policy="skip")
    assert (job.created_count, job.skipped_count, job.rejected_count) == (3, 1, 2)
    reasons = {issue.row_number: issue.message for issue in job.issues.all()}
    assert "No customer “深圳腾飞电子有限公司” that you may edit" in reasons[5]
    assert "不存在的公司" in reasons[7] and "date" in reasons[7]
    assert not Contact.objects.filter(customer=outside).exists()
    wang = Contact.objects.get(name="王小明")
    assert (wang.gender, wang.mobile, wang.birthday.isoformat()) == ("male", "139 0000 1111", "1985-03-08")
    assert Contact.objects.get(name="李娜").is_primary and not wang.is_primary  # the row said 是
    assert not Contact.objects.get(name="赵强").is_primary  # 远景 had a primary contact already
    assert Contact.objects.filter(customer=huaxin, is_primary=True).count() == 1
    assert CustomerKey.objects.filter(contact=wang, kind="phone").count() == 2
    assert [c.pk for c in customer_search(user=sales.supervisor, query="王小明")] == [huaxin.pk]
    assert [c.pk for c in customer_search(user=sales.supervisor, query="13900001111")] == [huaxin.pk]


def test_contact_duplicates_can_update(sales):
    huaxin = make_customer(manager=sales.manager, name="上海华信科技有限公司")
    make_contact(customer=huaxin, name="王小明", position="经理")
    rows = [HEADER, [huaxin.number, "", "王小明", "男", "副总经理", "021-62345678", "", "wxm@huaxin.cn", "", ""]]
    job = run_import(sales.supervisor, csv_bytes(rows), "c.csv", record_type="contacts", policy="update")
    assert job.updated_count == 1
    contact = Contact.objects.get()
    assert (contact.position, contact.email) == ("副总经理", "wxm@huaxin.cn")
    assert CustomerKey.objects.filter(contact=contact, kind="email").get().value == "wxm@huaxin.cn"
