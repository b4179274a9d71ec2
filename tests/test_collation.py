"""The stored collation string sorts people exactly as the Vietnamese name key does."""

import random

from lms.accounts.services import collation_string
from lms.demo import LEARNERS, ROLE_ACCOUNTS
from lms.text import name_sort_key

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = ["Văn", "Thị", "Đức", "Ngọc", "Minh", "Thu", "Quốc", "", "Thị Lệ"]
GIVEN = [
    "An",
    "Ân",
    "Ánh",
    "Ẩn",
    "Bình",
    "Chi",
    "Dũng",
    "Đạt",
    "Hà",
    "Hạ",
    "Hả",
    "Lan",
    "Sơn",
    "Tùng",
    "Xuân",
    "Yến",
    "Ơn",
    "Ưng",
]


def test_collation_string_sorts_like_the_name_key():
    """SQL ORDER BY sort_name gives the same order as sorting by name_sort_key in Python."""
    rng = random.Random(7)
    names = [p.full_name for p in ROLE_ACCOUNTS] + [name for name, _ in LEARNERS]
    names += [
        " ".join(filter(None, (rng.choice(FAMILY), rng.choice(MIDDLE), rng.choice(GIVEN))))
        for _ in range(400)
    ]
    assert sorted(names, key=collation_string) == sorted(names, key=name_sort_key)
