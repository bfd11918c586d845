"""Seed three bank batch-payment (代发) layouts. They are plausible starting points, not the
banks' official templates: check each against the bank's own template before first use."""

from django.db import migrations

FORMATS = [
    {
        "code": "icbc",
        "name": "中国工商银行（Excel）",
        "bank": "中国工商银行",
        "file_type": "xlsx",
        "encoding": "gb18030",
        "delimiter": "",
        "header_row": True,
        "columns": [
            {"header": "序号", "field": "seq"},
            {"header": "收款人账号", "field": "account"},
            {"header": "收款人姓名", "field": "name"},
            {"header": "金额", "field": "amount"},
            {"header": "币种", "value": "人民币"},
            {"header": "用途", "field": "remark"},
        ],
    },
    {
        "code": "ccb",
        "name": "中国建设银行（CSV）",
        "bank": "中国建设银行",
        "file_type": "csv",
        "encoding": "gb18030",
        "delimiter": ",",
        "header_row": True,
        "columns": [
            {"header": "序号", "field": "seq"},
            {"header": "账号", "field": "account"},
            {"header": "户名", "field": "name"},
            {"header": "金额", "field": "amount"},
            {"header": "证件类型", "field": "id_type"},
            {"header": "证件号码", "field": "id_number"},
            {"header": "摘要", "field": "remark"},
        ],
    },
    {
        "code": "cmb",
        "name": "招商银行（文本）",
        "bank": "招商银行",
        "file_type": "txt",
        "encoding": "gb18030",
        "delimiter": "|",
        "header_row": False,
        "columns": [
            {"header": "账号", "field": "account"},
            {"header": "户名", "field": "name"},
            {"header": "金额", "field": "amount"},
            {"header": "注释", "field": "remark"},
        ],
    },
]


def seed(apps, schema_editor):
    BankFormat = apps.get_model("payroll", "BankFormat")
    for data in FORMATS:
        BankFormat.objects.get_or_create(code=data["code"], defaults=data)


def unseed(apps, schema_editor):
    BankFormat = apps.get_model("payroll", "BankFormat")
    BankFormat.objects.filter(code__in=[f["code"] for f in FORMATS]).delete()


class Migration(migrations.Migration):
    dependencies = [("payroll", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
