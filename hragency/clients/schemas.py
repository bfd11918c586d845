from ninja import Schema


class ClientOut(Schema):
    id: int
    number: str
    name: str
    credit_code: str
    grade: str
    service_cities: str
    headcount: int
