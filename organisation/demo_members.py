"""Plausible generated member companies, so the directory runs at its real size.

Deterministic (seeded): the same call gives the same companies, so the demo loader
can create the missing ones again without changing the others. Every credit code is
valid under both check characters.
"""

import datetime
import random

from .credit_code import (
    ALPHABET,
    credit_code_check_character,
    organisation_code_check_character,
)

# (region as readers see it, administrative division code)
REGIONS = [
    ("杭州市上城区", "330102"), ("杭州市拱墅区", "330105"), ("杭州市西湖区", "330106"),
    ("杭州市滨江区", "330108"), ("杭州市萧山区", "330109"), ("杭州市余杭区", "330110"),
    ("宁波市海曙区", "330203"), ("宁波市鄞州区", "330212"), ("温州市鹿城区", "330302"),
    ("温州市瓯海区", "330304"), ("嘉兴市南湖区", "330402"), ("平湖市", "330482"),
    ("湖州市吴兴区", "330502"), ("绍兴市柯桥区", "330603"), ("诸暨市", "330681"),
    ("金华市婺城区", "330702"), ("金华市义乌市", "330782"), ("衢州市柯城区", "330802"),
    ("舟山市定海区", "330902"), ("台州市椒江区", "331002"), ("台州市黄岩区", "331003"),
    ("丽水市莲都区", "331102"),
]  # fmt: skip
INDUSTRIES = [
    "制造业", "信息技术", "批发和零售业", "建筑业", "文化创意",
    "医疗健康", "纺织服装", "跨境电商", "金融服务", "现代农业",
]  # fmt: skip
NAME_WORDS = [
    "恒鑫", "博锦", "锦恒", "博越", "博通", "正恒", "达宏", "华恒", "越恒", "盛安",
    "嘉瑞", "安达", "华安", "鑫盛", "海正", "中天", "天成", "永康", "新锐", "瑞丰",
]  # fmt: skip
NAME_TRADES = ["科技", "实业", "新材料", "电子商务", "生物医药", "机械", "建设", "纺织"]
NAME_FORMS = ["有限公司", "有限公司", "股份有限公司", "集团有限公司"]
# Tier slugs with how many companies each has, as the association reported in 2021;
# the rest are ordinary members.
TIER_SIZES = [("executive-vice-president", 17), ("vice-president", 51),
              ("executive-director", 177), ("director", 503)]  # fmt: skip


def credit_code(rng, division):
    body = "".join(rng.choice(ALPHABET) for _ in range(8))
    first17 = "91" + division + body + organisation_code_check_character(body)
    return first17 + credit_code_check_character(first17)


def generated_companies(count, seed=2021):
    """`count` companies as dicts of MemberCompany fields (tier as a slug)."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not a secret
    tiers = [slug for slug, size in TIER_SIZES for _ in range(size)]
    codes = set()
    companies = []
    for number in range(count):
        region, division = rng.choice(REGIONS)
        code = credit_code(rng, division)
        while code in codes:
            code = credit_code(rng, division)
        codes.add(code)
        city = region[:2] if not region.startswith(("平湖", "诸暨")) else region[:2]
        companies.append(
            {
                "name": city
                + rng.choice(NAME_WORDS)
                + rng.choice(NAME_TRADES)
                + rng.choice(NAME_FORMS),
                "credit_code": code,
                "tier": tiers[number] if number < len(tiers) else "member",
                "region": region,
                "industry": rng.choice(INDUSTRIES),
                "website": "",
                "join_date": datetime.date(2008, 1, 1)
                + datetime.timedelta(days=rng.randrange(365 * 15)),
            }
        )
    return companies
