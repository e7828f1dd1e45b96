"""The population-database simulator's demo citizens: invented people (names, numbers and addresses are
sample data) living in communes of the demo province; every ID number is well formed for its birth year and
sex (``citizen_id_check``)."""

from __future__ import annotations

from datetime import date

from motcua.integrations.models import SimulatedCitizen

# (ID number, full name, date of birth, sex, ethnicity, permanent address below the commune, commune code)
DEMO_CITIZENS: tuple[tuple[str, str, date, str, str, str, str], ...] = (
    (
        "024085001201",
        "Nguyễn Văn Minh",
        date(1985, 3, 12),
        "male",
        "Kinh",
        "Số 15 đường Hoàng Văn Thụ",
        "07210",
    ),
    (
        "024190002302",
        "Trần Thị Hương",
        date(1990, 7, 25),
        "female",
        "Kinh",
        "Số 8 ngõ 12 đường Nguyễn Thị Minh Khai",
        "07228",
    ),
    ("024201003403", "Lê Hoàng Nam", date(2001, 11, 2), "male", "Kinh", "Thôn Đồng Quan", "07264"),
    (
        "027178004504",
        "Phạm Thị Thu Hà",
        date(1978, 1, 30),
        "female",
        "Kinh",
        "Số 22 đường Ngô Gia Tự",
        "09187",
    ),
    ("027065005605", "Hoàng Văn Đức", date(1965, 9, 9), "male", "Kinh", "Khu phố Đọ Xá", "09190"),
    (
        "027195006706",
        "Ngô Thị Lan Anh",
        date(1995, 4, 18),
        "female",
        "Kinh",
        "Số 5 đường Lý Thái Tổ",
        "09367",
    ),
    ("024088007807", "Đặng Quốc Bảo", date(1988, 12, 1), "male", "Kinh", "Tổ dân phố Thọ Xương", "07210"),
    ("024303008908", "Vũ Thị Mai", date(2003, 6, 6), "female", "Nùng", "Thôn Hạ", "07294"),
    ("027072009009", "Bùi Minh Tuấn", date(1972, 2, 14), "male", "Kinh", "Số 3 đường Trần Hưng Đạo", "09187"),
    (
        "024199010110",
        "Dương Thị Ngọc",
        date(1999, 10, 20),
        "female",
        "Kinh",
        "Số 41 đường Xương Giang",
        "07228",
    ),
)


def demo_citizens_create() -> int:
    """Create the demo citizens that do not exist yet; returns how many were created."""
    created = 0
    for id_number, full_name, born, sex, ethnicity, address, commune in DEMO_CITIZENS:
        _citizen, was_created = SimulatedCitizen.objects.get_or_create(
            id_number=id_number,
            defaults={
                "full_name": full_name,
                "date_of_birth": born,
                "sex": sex,
                "ethnicity": ethnicity,
                "permanent_address": address,
                "commune_code": commune,
            },
        )
        created += was_created
    return created
