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

# Membership tiers, highest first: slug, then the name in zh-hans, zh-hant, en.
TIERS = [
    ("executive-vice-president", "常务副会长单位", "常務副會長單位",
     "Executive vice-president members"),
    ("vice-president", "副会长单位", "副會長單位", "Vice-president members"),
    ("executive-director", "常务理事单位", "常務理事單位",
     "Executive director members"),
    ("director", "理事单位", "理事單位", "Director members"),
    ("member", "会员单位", "會員單位", "Members"),
]  # fmt: skip
# Regions: slug, zh-hans, zh-hant, en, administrative division code.
REGIONS = [
    ("hangzhou-shangcheng", "杭州市上城区", "杭州市上城區", "Shangcheng District, Hangzhou", "330102"),
    ("hangzhou-gongshu", "杭州市拱墅区", "杭州市拱墅區", "Gongshu District, Hangzhou", "330105"),
    ("hangzhou-xihu", "杭州市西湖区", "杭州市西湖區", "Xihu District, Hangzhou", "330106"),
    ("hangzhou-binjiang", "杭州市滨江区", "杭州市濱江區", "Binjiang District, Hangzhou", "330108"),
    ("hangzhou-xiaoshan", "杭州市萧山区", "杭州市蕭山區", "Xiaoshan District, Hangzhou", "330109"),
    ("hangzhou-yuhang", "杭州市余杭区", "杭州市餘杭區", "Yuhang District, Hangzhou", "330110"),
    ("ningbo-haishu", "宁波市海曙区", "寧波市海曙區", "Haishu District, Ningbo", "330203"),
    ("ningbo-yinzhou", "宁波市鄞州区", "寧波市鄞州區", "Yinzhou District, Ningbo", "330212"),
    ("wenzhou-lucheng", "温州市鹿城区", "溫州市鹿城區", "Lucheng District, Wenzhou", "330302"),
    ("wenzhou-ouhai", "温州市瓯海区", "溫州市甌海區", "Ouhai District, Wenzhou", "330304"),
    ("jiaxing-nanhu", "嘉兴市南湖区", "嘉興市南湖區", "Nanhu District, Jiaxing", "330402"),
    ("pinghu", "平湖市", "平湖市", "Pinghu", "330482"),
    ("huzhou-wuxing", "湖州市吴兴区", "湖州市吳興區", "Wuxing District, Huzhou", "330502"),
    ("shaoxing-keqiao", "绍兴市柯桥区", "紹興市柯橋區", "Keqiao District, Shaoxing", "330603"),
    ("zhuji", "诸暨市", "諸暨市", "Zhuji", "330681"),
    ("jinhua-wucheng", "金华市婺城区", "金華市婺城區", "Wucheng District, Jinhua", "330702"),
    ("jinhua-yiwu", "金华市义乌市", "金華市義烏市", "Yiwu, Jinhua", "330782"),
    ("quzhou-kecheng", "衢州市柯城区", "衢州市柯城區", "Kecheng District, Quzhou", "330802"),
    ("zhoushan-dinghai", "舟山市定海区", "舟山市定海區", "Dinghai District, Zhoushan", "330902"),
    ("taizhou-jiaojiang", "台州市椒江区", "台州市椒江區", "Jiaojiang District, Taizhou", "331002"),
    ("taizhou-huangyan", "台州市黄岩区", "台州市黃岩區", "Huangyan District, Taizhou", "331003"),
    ("lishui-liandu", "丽水市莲都区", "麗水市蓮都區", "Liandu District, Lishui", "331102"),
]  # fmt: skip
# Industries: slug, zh-hans, zh-hant, en.
INDUSTRIES = [
    ("manufacturing", "制造业", "製造業", "Manufacturing"),
    ("information-technology", "信息技术", "信息技術", "Information technology"),
    ("wholesale-retail", "批发和零售业", "批發和零售業", "Wholesale and retail"),
    ("construction", "建筑业", "建築業", "Construction"),
    ("creative-industries", "文化创意", "文化創意", "Creative industries"),
    ("healthcare", "医疗健康", "醫療健康", "Healthcare"),
    ("textiles-apparel", "纺织服装", "紡織服裝", "Textiles and apparel"),
    ("cross-border-ecommerce", "跨境电商", "跨境電商", "Cross-border e-commerce"),
    ("financial-services", "金融服务", "金融服務", "Financial services"),
    ("modern-agriculture", "现代农业", "現代農業", "Modern agriculture"),
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
    """`count` companies as dicts of MemberCompany fields (tier, region and
    industry as slugs)."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not a secret
    tiers = [slug for slug, size in TIER_SIZES for _ in range(size)]
    codes = set()
    companies = []
    for number in range(count):
        region, name, _hant, _en, division = rng.choice(REGIONS)
        code = credit_code(rng, division)
        while code in codes:
            code = credit_code(rng, division)
        codes.add(code)
        companies.append(
            {
                "name": name[:2]
                + rng.choice(NAME_WORDS)
                + rng.choice(NAME_TRADES)
                + rng.choice(NAME_FORMS),
                "credit_code": code,
                "tier": tiers[number] if number < len(tiers) else "member",
                "region": region,
                "industry": rng.choice(INDUSTRIES)[0],
                "website": "",
                "join_date": datetime.date(2008, 1, 1)
                + datetime.timedelta(days=rng.randrange(365 * 15)),
            }
        )
    return companies
