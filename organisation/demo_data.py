"""The association's structure for the demo site, as its 2021 article describes it.

Each entry: slug, then the text in zh-hans, zh-hant and en.
"""

ASSOCIATION = (
    "association",
    "浙江省中小企业协会",
    "浙江省中小企業協會",
    "Zhejiang Small and Medium Enterprises Association",
)
SECRETARIAT = ("secretariat", "秘书处", "秘書處", "Secretariat")
PARTY_BRANCH = (
    "party-branch",
    "党支部（筹）",
    "黨支部（籌）",
    "Party branch (in preparation)",
)
COMMITTEE_GROUP = ("committees", "专业委员会", "專業委員會", "Specialist committees")

# The 25 specialist committees (二级服务机构) the article lists, in its order.
COMMITTEES = [
    ("foreign-cooperation", "对外合作", "對外合作", "Foreign Cooperation"),
    ("belt-and-road", "一带一路", "一帶一路", "Belt and Road"),
    ("health", "大健康", "大健康", "Health"),
    ("culture", "大文化", "大文化", "Culture"),
    (
        "investment-and-financing",
        "新投融资",
        "新投融資",
        "New Investment and Financing",
    ),
    ("innovation", "科技创新", "科技創新", "Science and Technology Innovation"),
    ("outbound-investment", "对外投资", "對外投資", "Outbound Investment"),
    (
        "rural-revitalisation",
        "乡村振兴与扶贫开发",
        "鄉村振興與扶貧開發",
        "Rural Revitalisation and Poverty Alleviation",
    ),
    ("law-and-tax", "法务与财税", "法務與財稅", "Legal Affairs and Taxation"),
    ("women-entrepreneurs", "巾帼企业", "巾幗企業", "Women Entrepreneurs"),
    ("environment", "环境保护", "環境保護", "Environmental Protection"),
    (
        "internet-law-finance",
        "互联网+法律与融资",
        "互聯網+法律與融資",
        "Internet+ Law and Financing",
    ),
    ("credit-management", "信用管理", "信用管理", "Credit Management"),
    ("blockchain", "区块链", "區塊鏈", "Blockchain"),
    ("cross-border-ecommerce", "跨境电商", "跨境電商", "Cross-border E-commerce"),
    ("digital-economy", "数字经济", "數字經濟", "Digital Economy"),
    ("energy", "能源发展", "能源發展", "Energy Development"),
    (
        "digital-innovation",
        "数字创新产业",
        "數字創新產業",
        "Digital Innovation Industry",
    ),
    ("brand-building", "品牌建设", "品牌建設", "Brand Building"),
    (
        "urban-rural-construction",
        "城乡建设",
        "城鄉建設",
        "Urban and Rural Construction",
    ),
    (
        "yangtze-delta-ecommerce",
        "长三角电商产业",
        "長三角電商產業",
        "Yangtze River Delta E-commerce Industry",
    ),
    ("transformation", "转型升级", "轉型升級", "Transformation and Upgrading"),
    ("mergers-acquisitions", "并购与重组", "並購與重組", "Mergers and Acquisitions"),
    (
        "trade-secrets-ip",
        "商业秘密保护与知识产权维权",
        "商業秘密保護與知識產權維權",
        "Trade Secret Protection and IP Rights",
    ),
    (
        "overseas-chinese-enterprises",
        "侨商企业",
        "僑商企業",
        "Overseas Chinese Enterprises",
    ),
]
COMMITTEE_SUFFIX = ("专业委员会", "專業委員會", " Committee")

# The executive vice-president who is also secretary-general (the 2021 article),
# and two people marked as examples, so committee pages show a chair and a deputy.
PEOPLE = [
    (
        "cai-zhangsheng",
        "蔡章生",
        "蔡章生",
        "Cai Zhangsheng",
        [
            ("association", "executive-vice-president"),
            ("secretariat", "secretary-general"),
        ],
    ),
    (
        "example-li-ming",
        "李明（示例）",
        "李明（示例）",
        "Li Ming (example)",
        [("blockchain", "chair")],
    ),
    (
        "example-zhou-hua",
        "周华（示例）",
        "周華（示例）",
        "Zhou Hua (example)",
        [("blockchain", "deputy-chair"), ("digital-economy", "chair")],
    ),
]
