import datetime as dt

from ninja import Schema


class PersonOut(Schema):
    id: int
    client_id: int
    name: str
    id_number_masked: str
    gender: str
    birth_date: dt.date
    phone_masked: str
    insured_city: str
    status: str


class RevealOut(Schema):
    field: str
    value: str
