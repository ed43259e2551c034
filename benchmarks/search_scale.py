"""Chinese search at scale on PostgreSQL: typical queries over 1,000 and over
100,000 generated news articles, side by side, with the growth ratio.

Run from the project folder, with the local PostgreSQL (127.0.0.1:5432, user
postgres, trust authentication) up:

    .venv/bin/python benchmarks/search_scale.py             # 1,000 and 100,000
    .venv/bin/python benchmarks/search_scale.py --reuse     # keep the databases
    .venv/bin/python benchmarks/search_scale.py --sizes 1000 10000 --repeat 9

What it does, for each size N:

1. A base database `cms_bench_base`: migrated, with the demo site loaded
   (`demo.site.load`: three locale trees, news sections, 5,000 member companies in
   every locale, committees, people; all indexed).
2. `cms_bench_<N>` (cms_bench_1k, cms_bench_100k), a copy of the base, with N
   generated zh-hans news articles below the zh-hans news index: real live pages
   (wagtailcore_page rows with treebeard paths, url paths, locale, content type,
   publication times, and their newsroom_newsarticlepage rows), with categories,
   tags and an author, their bodies ~300-800 characters of Simplified Chinese news
   text from a fixed seed. The rows are bulk-inserted (Wagtail's `add_child` costs
   ~10 ms a page); the index is then built by `cms.search.index.update`, the code
   that indexes a page on publication, and the database is VACUUM ANALYZEd, as
   autovacuum would have done on a live site.
3. In a fresh process, --rounds times (3), the sizes in turn so that a
   machine slower for a while slows each size alike: each query through the
   real GraphQL endpoint (POST
   /graphql/, Django's test client, settings cms.settings.test: DEBUG off), first
   as `search` (all result types of the zh-hans locale, first page of 10 with
   type, score, excerpt and item), then as `newsArticles(search:)` (first page of
   10 articles). One warm-up request, then --repeat timed ones (fewer once they
   have taken a minute); the median of every round's timed runs is reported,
   with the number of matches
   (totalCount; "~" before it when the API says it is an estimate: above
   CMS_SEARCH_EXACT_LIMIT matches, see cms/search/database.py). PostgreSQL
   cancels any statement running over 30 seconds (statement_timeout); such a
   query is reported as ">30000" ms.

Then one table: per query, matches and median ms at each size, and the growth
ratio (ms at the largest size / ms at the smallest; a lower bound, ">", when the
largest timed out). A second table does the same for `searchSuggestions` (first 8
of zh-hans) with the prefixes of SUGGESTIONS, giving the suggestions returned.

SEARCH_BENCH_PREFIX=cms_sbench_ names the databases cms_sbench_* instead of
cms_bench_*, so that two runs (or two branches) keep their own.

Takes ~10 minutes with the default sizes on a 2-core machine, mostly for the
100,000 articles: ~2 minutes of inserting, ~5 of indexing, ~2 of measuring.
With --reuse, a second run only measures: ~2 minutes. Without
--reuse the databases are made from scratch (any left by an earlier run are
dropped first) and dropped at the end. With --reuse they stay, and a database
already complete for its size (marked by a comment on the database) is measured
as it is, so drop the cms_bench_* databases after a change to the schema or to
what is indexed. The 100,000-article database takes ~1.3 GB. The databases `cms`
and `test_cms` are never touched.
"""

import argparse
import functools
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from argparse import SUPPRESS
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

SCRIPT = Path(__file__).resolve()
PROJECT = SCRIPT.parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
SETTINGS = "cms.settings.test"
# The databases' names begin with this; SEARCH_BENCH_PREFIX gives a run its own.
PREFIX = os.environ.get("SEARCH_BENCH_PREFIX", "cms_bench_")
BASE = f"{PREFIX}base"
SEED = 20210712
LOCALE = "zh-hans"
# A request whose SQL runs longer is cancelled (statement_timeout) and reported as
# a timeout; timed runs of one query stop once they have taken BUDGET seconds.
TIMEOUT = 30
BUDGET = 60

# (label, query): one row each, measured through `search` and `newsArticles`.
QUERIES = [
    ("rare word", "碳足迹"),
    ("common word", "协会"),
    ("two words", "数字经济 培训"),
    ("Traditional", "黨支部"),
    ("Traditional", "會員企業"),
    ("Latin + Chinese", "RCEP 企业"),
    ("number + Chinese", "2021 年度"),
]

SEARCH = """
query Search($query: String!) {
  search(query: $query, locale: "zh-hans", page: 1, perPage: 10) {
    totalCount
    totalCountIsEstimate
    items {
      type
      score
      excerpt
      item {
        ... on NewsArticlePage { id title url publicationDate }
        ... on OrgUnit { name url }
        ... on Person { name }
        ... on MemberCompany { name creditCode }
      }
    }
  }
}
"""
NEWS_ARTICLES = """
query News($query: String!) {
  newsArticles(search: $query, locale: "zh-hans", page: 1, perPage: 10) {
    totalCount
    totalCountIsEstimate
    items { id title url publicationDate summary }
  }
}
"""
FIELDS = {"search": SEARCH, "newsArticles": NEWS_ARTICLES}

# (label, prefix): `searchSuggestions` rows, printed in a table of their own.
SUGGESTIONS = [
    ("1 char, starts most titles", "协"),
    ("1 char, inside most titles", "会"),
    ("1 char, rare", "浙"),
    ("2 chars", "协会"),
    ("2 chars, Traditional", "協會"),
    ("2 chars, inside", "培训"),
    ("2 chars, Traditional, inside", "黨支"),
    ("2 chars, in no title", "碳足"),
    ("Latin, full-width", "ＲＣＥＰ"),
    ("company name", "宁波博"),
]
SUGGEST = """
query Suggest($query: String!) {
  searchSuggestions(prefix: $query, locale: "zh-hans", limit: 8) {
    text
    type
    locale
    item {
      ... on NewsArticlePage { id url }
      ... on OrgUnit { id url }
      ... on Person { id }
      ... on MemberCompany { id }
    }
  }
}
"""


# --- Generated news text ---------------------------------------------------------

PLACES = "杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水 义乌 余杭 萧山".split()
ORGANISERS = [
    "协会", "协会秘书处", "协会党支部", "数字经济专业委员会", "跨境电商专业委员会",
    "科技创新专业委员会", "法律与税务专业委员会", "品牌建设专业委员会",
    "女企业家专业委员会", "投融资专业委员会", "协会会员服务部",
]  # fmt: skip
PEOPLE = [
    "协会会长", "常务副会长兼秘书长", "党支部书记", "省经信厅有关负责人",
    "专业委员会主任", "特邀专家", "会员企业代表", "省商务厅相关处室负责人",
    "律师事务所合伙人", "高校教授",
]  # fmt: skip
ACTIONS = "召开 举办 组织 开展 承办 主办".split()
EVENTS = [
    "座谈会", "专题培训", "培训班", "政策宣讲会", "交流会", "调研活动",
    "理事会", "会员大会", "对接会", "高峰论坛", "沙龙", "专题讲座", "工作会议",
]  # fmt: skip
TOPICS = [
    "数字经济", "跨境电商", "RCEP 规则", "专精特新", "知识产权保护", "企业融资",
    "人才培养", "党建工作", "乡村振兴", "绿色低碳", "品牌建设", "税收优惠政策",
    "共同富裕", "智能制造", "外贸稳增长", "企业合规", "数字化转型", "产业链协同",
    "营商环境", "减负降本", "标准化建设", "质量提升",
]  # fmt: skip
SERVICES = "政策咨询 法律 融资对接 人才招聘 市场拓展 培训 数字化诊断".split()
METRICS = "营业收入 利润总额 出口额 研发投入 新增就业".split()
STUDIES = ["党的二十大", "省第十五次党代会", "习近平新时代中国特色社会主义思想"]
SENTENCES = [
    "{when}，{org}在{place}{action}{topic}{event}。",
    "来自{place}、{place2}等地的{n}家会员企业代表参加了本次{event}。",
    "会上，{person}解读了{topic}相关政策，并就{topic2}与企业进行了交流。",
    "{person}指出，{topic}是推动中小企业高质量发展的重要抓手。",
    "与会企业家围绕{topic}、{topic2}等议题展开深入讨论，提出意见建议{n2}条。",
    "{org}将继续发挥桥梁纽带作用，为会员企业提供{service}服务。",
    "据统计，{year} 年度全省中小企业{metric}同比增长{pct}%。",
    "本次{event}由{org}主办，{place}市中小企业服务中心协办。",
    "RCEP 生效以来，{place}的外贸企业积极拓展东盟市场，订单明显回升。",
    "下一步，协会将围绕{topic}组织系列培训，帮助会员企业用好政策红利。",
    "协会党支部组织党员认真学习{study}精神，结合协会工作谈体会、找差距。",
    "{person}表示，协会要当好政府与企业之间的桥梁，及时反映会员企业诉求。",
    "{year} 年度协会共发展新会员企业{n}家，会员总数稳步增长。",
    "活动现场，{n}家企业与金融机构签订合作意向，意向金额{n2}亿元。",
    "协会秘书处介绍了{year} 年度工作要点和{topic}专项行动安排。",
    "{org}负责人就{service}服务的需求开展了问卷调查，共回收问卷{n}份。",
]  # fmt: skip
WORDS = {
    "place": PLACES,
    "org": ORGANISERS,
    "person": PEOPLE,
    "action": ACTIONS,
    "event": EVENTS,
    "topic": TOPICS,
    "service": SERVICES,
    "metric": METRICS,
    "study": STUDIES,
}
# The rare word: about one article in 500.
RARE = "部分企业代表还介绍了产品碳足迹核算的做法。"
RARE_SHARE = 0.002
HEADINGS = ["一、基本情况", "二、主要做法", "三、下一步工作", "四、有关要求"]
CATEGORIES = ["通知公告", "政策法规", "会员风采", "党建工作", "培训活动", "专委会动态"]
TAGS = TOPICS[:12] + ["调研", "年会", "党建", "培训", "RCEP"]
FIRST_DAY = date(2015, 1, 1)
DAYS = (date(2025, 12, 31) - FIRST_DAY).days


class Slots(dict):
    """The words of one sentence, each drawn when the template first names it."""

    def __init__(self, rng, day):
        super().__init__()
        self.rng, self.day = rng, day

    def __missing__(self, name):
        rng, day = self.rng, self.day
        if name in ("place2", "topic2"):
            others = PLACES if name == "place2" else TOPICS
            value = rng.choice([word for word in others if word != self[name[:-1]]])
        elif name == "when":
            when = [
                f"{day.month}月{day.day}日",
                "近日",
                "日前",
                f"{day.year} 年度",
                "上午",
            ]
            value = rng.choice(when)
        elif name == "year":
            value = rng.choice([day.year, day.year, day.year - 1])
        elif name == "pct":
            value = round(rng.uniform(1, 25), 1)
        elif name == "n":
            value = rng.randint(5, 300)
        elif name == "n2":
            value = rng.randint(2, 60)
        else:
            value = rng.choice(WORDS[name])
        self[name] = value
        return value


class Writer:
    """Plausible association news, the same for the same seed."""

    def __init__(self, seed):
        self.rng = random.Random(seed)  # noqa: S311 - generated text, not a secret

    def sentence(self, day, template=None):
        """One sentence of `day`'s article: a template, its slots filled."""
        template = template or self.rng.choice(SENTENCES)
        return template.format_map(Slots(self.rng, day))

    def article(self):
        """(title, summary, body blocks, date) of one article."""
        rng = self.rng
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        lead = self.sentence(day, SENTENCES[0])
        title = lead.split("，", 1)[1].rstrip("。")
        length = rng.randint(300, 800)
        sentences, total = [lead], len(lead)
        while total < length:
            sentence = self.sentence(day)
            if total + len(sentence) > length and total >= 300:
                break
            sentences.append(sentence)
            total += len(sentence)
        if rng.random() < RARE_SHARE:
            sentences.insert(rng.randint(1, len(sentences)), RARE)
        blocks = []
        headings = iter(HEADINGS) if rng.random() < 0.3 else iter(())
        per_paragraph = rng.randint(2, 5)
        for start in range(0, len(sentences), per_paragraph):
            heading = next(headings, None)
            if heading:
                blocks.append(self.block("heading", {"text": heading, "level": "2"}))
            text = "".join(sentences[start : start + per_paragraph])
            blocks.append(self.block("paragraph", f"<p>{text}</p>"))
        return title, "".join(sentences[:2])[:120], blocks, day

    def block(self, kind, value):
        return {"type": kind, "value": value, "id": str(self.uuid())}

    def uuid(self):
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)


# --- Generating a database (in a process of its own) ----------------------------


def progress(message):
    print(f"    {message}", file=sys.stderr, flush=True)


def generate(size):
    """Add `size` live zh-hans news articles and their index entries."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.db.models import F
    from taggit.models import Tag
    from wagtail.models import Locale, Page

    from cms.search import index
    from newsroom.models import (
        NewsArticleAuthor,
        NewsArticlePage,
        NewsCategory,
        NewsIndexPage,
    )

    writer = Writer(SEED)
    locale = Locale.objects.get(language_code=LOCALE)
    news = NewsIndexPage.objects.get(locale=locale)
    categories = list(NewsCategory.objects.filter(locale=locale))
    categories += NewsCategory.objects.bulk_create(
        NewsCategory(
            name=name,
            slug=name,
            locale=locale,
            translation_key=uuid.uuid5(uuid.NAMESPACE_URL, f"bench-category:{name}"),
        )
        for name in CATEGORIES
    )
    tags = Tag.objects.bulk_create(Tag(name=name, slug=name) for name in TAGS)
    content_type = ContentType.objects.get_for_model(NewsArticlePage)
    last = news.get_last_child()
    first_step = int(last.path[-Page.steplen :], 36) + 1 if last else 1
    zone = ZoneInfo("Asia/Shanghai")
    batch_size = 2000
    started = time.perf_counter()
    pks = []
    with transaction.atomic():
        for start in range(0, size, batch_size):
            pages, articles = [], []
            for number in range(start, min(size, start + batch_size)):
                title, summary, body, day = writer.article()
                slug = f"news-{number + 1}"
                published = datetime(day.year, day.month, day.day, 9, 30, tzinfo=zone)
                pages.append(
                    Page(
                        path=news.path + to_base36(first_step + number, Page.steplen),
                        depth=news.depth + 1,
                        numchild=0,
                        title=title,
                        draft_title=title,
                        slug=slug,
                        url_path=f"{news.url_path}{slug}/",
                        content_type=content_type,
                        locale=locale,
                        translation_key=writer.uuid(),
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=published,
                        last_published_at=published,
                    )
                )
                articles.append({"date": day, "summary": summary, "body": body})
            pages = Page.objects.bulk_create(pages)
            insert_own_rows(
                NewsArticlePage(page_ptr_id=page.pk, source="浙江省中小企业协会", **row)
                for page, row in zip(pages, articles, strict=True)
            )
            pks += [page.pk for page in pages]
            link(pks[-len(pages) :], writer.rng, categories, tags)
            if (start // batch_size) % 10 == 9:
                progress(f"{len(pks):,} pages inserted")
        Page.objects.filter(pk=news.pk).update(numchild=F("numchild") + size)
        NewsArticleAuthor.objects.bulk_create(
            NewsArticleAuthor(article_id=pk, name="协会秘书处", sort_order=0)
            for pk in pks
        )
    progress(f"{size:,} pages in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    step = 5000
    for start in range(0, size, step):
        index.update(NewsArticlePage, pks[start : start + step])
        if start + step < size:
            progress(f"{start + step:,} articles indexed")
    progress(f"indexed in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def insert_own_rows(objects):
    """INSERT the rows of `objects` (of one model) into the model's own table
    only: below wagtailcore_page for a page type, whose rows are already there.

    bulk_create refuses multi-table inheritance. Each value is prepared by its
    field as Django does. One executemany rather than Django's INSERT ... UNNEST
    of arrays, which escapes every backslash of a StreamField's JSON (\\uXXXX
    for each Chinese character) one regex match at a time.
    """
    from django.db import connection

    objects = list(objects)
    meta = objects[0]._meta
    fields = meta.local_concrete_fields
    quote = connection.ops.quote_name
    statement = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    rows = [
        [
            field.get_db_prep_save(field.pre_save(obj, True), connection)
            for field in fields
        ]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(statement, rows)


def link(pks, rng, categories, tags):
    """One category and up to three tags for each of the articles `pks`."""
    from newsroom.models import NewsArticlePage, NewsArticleTag

    through = NewsArticlePage.categories.through
    through.objects.bulk_create(
        through(newsarticlepage_id=pk, newscategory_id=rng.choice(categories).pk)
        for pk in pks
    )
    NewsArticleTag.objects.bulk_create(
        NewsArticleTag(content_object_id=pk, tag_id=tag.pk)
        for pk in pks
        for tag in rng.sample(tags, rng.randint(0, 3))
    )


def to_base36(number, width):
    """A treebeard path step: `number` in base 36, `width` digits."""
    digits, text, rest = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", "", number
    while rest:
        rest, digit = divmod(rest, 36)
        text = digits[digit] + text
    if len(text) > width:
        raise ValueError(f"{number} does not fit a tree path step of {width}")
    return text.rjust(width, "0")


# --- Measuring (in a process of its own) ----------------------------------------


def measure(repeat):
    """{field: {query: {matches, ms, timings}}} through POST /graphql/."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    results = {}
    for field, document in FIELDS.items():
        for _label, text in QUERIES:
            result = timed(client, field, document, text, repeat)
            results.setdefault(field, {})[text] = result
            if result["ms"] is None:
                progress(f"{field}({text}): timeout after {TIMEOUT} s")
            else:
                progress(
                    f"{field}({text}): {result['matches']} matches, "
                    f"{result['ms']:.1f} ms"
                )
    results["searchSuggestions"] = measure_suggestions(client, repeat)
    return results


def measure_suggestions(client, repeat):
    """{prefix: {matches (suggestions given), ms, timings}} of SUGGESTIONS."""
    results = {}
    for _label, prefix in SUGGESTIONS:
        result = timed(client, "searchSuggestions", SUGGEST, prefix, repeat, suggested)
        results[prefix] = result
        progress(f"searchSuggestions({prefix}): {result['ms']:.1f} ms")
    return results


def suggested(client, field, document, text):
    """(suggestions given, ms) of one searchSuggestions request."""
    started = time.perf_counter()
    response = client.post(
        "/graphql/",
        {"query": document, "variables": {"query": text}},
        content_type="application/json",
    )
    elapsed = (time.perf_counter() - started) * 1000
    answer = response.json()
    if response.status_code != 200 or answer.get("errors"):
        raise RuntimeError(f"{field}({text!r}): {answer}")
    return len(answer["data"][field]), elapsed


def timed(client, field, document, text, repeat, send=None):
    """A warm-up request, then up to `repeat` timed ones (fewer once they have
    taken BUDGET seconds) sent by `send` (default `request`): the matches, the
    median ms and the timed runs' ms (None if a request hit TIMEOUT)."""
    send = send or request
    matches, elapsed = send(client, field, document, text)
    timings = []
    while elapsed is not None and len(timings) < repeat:
        if sum(timings) >= BUDGET * 1000:
            break
        matches, elapsed = send(client, field, document, text)
        timings.append(elapsed)
    if elapsed is None:
        return {"matches": matches, "ms": None, "timings": None}
    return {"matches": matches, "ms": statistics.median(timings), "timings": timings}


def request(client, field, document, text):
    """(matches, ms) of one request; (None, None) if PostgreSQL cancelled it."""
    started = time.perf_counter()
    response = client.post(
        "/graphql/",
        {"query": document, "variables": {"query": text}},
        content_type="application/json",
    )
    elapsed = (time.perf_counter() - started) * 1000
    answer = response.json()
    errors = answer.get("errors") or []
    if any("statement timeout" in error["message"] for error in errors):
        return None, None
    if response.status_code != 200 or errors:
        raise RuntimeError(f"{field}({text!r}): {answer}")
    return matches(answer["data"][field]), elapsed


def matches(page):
    """A page's totalCount, as a string with a "~" before it when the API says
    it is an estimate (above CMS_SEARCH_EXACT_LIMIT matches)."""
    return ("~" if page["totalCountIsEstimate"] else "") + f"{page['totalCount']:,}"


# --- The run: databases, processes, the table ------------------------------------


def database_name(size):
    if size % 1000 == 0:
        return f"{PREFIX}{size // 1000}k"
    return f"{PREFIX}{size}"


def server_connection():
    import psycopg

    return psycopg.connect(f"{SERVER}/postgres", autocommit=True)


def marker(size=None):
    """What the comment on a complete database says."""
    if size is None:
        return "search_scale: the demo site"
    return f"search_scale: {size} articles, seed {SEED}"


def comment(name):
    with server_connection() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = %s",
            [name],
        ).fetchone()
    return None if row is None else (row[0] or "")


def create(name, template=None):
    from psycopg import sql

    assert name.startswith(PREFIX)
    with server_connection() as conn:
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        conn.execute(statement)


def set_marker(name, text):
    from psycopg import sql

    with server_connection() as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(name), sql.Literal(text)
            )
        )


def drop(name):
    from psycopg import sql

    assert name.startswith(PREFIX)
    with server_connection() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )


def run(database, *arguments, capture=False, timeout=None):
    """This script or manage.py (`arguments`) in a process using `database`; its
    output if `capture`; `timeout` seconds at most for each SQL statement."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": f"{SERVER}/{database}",
    }
    if timeout:
        # libpq reads PGOPTIONS for every connection the process opens.
        env["PGOPTIONS"] = f"-c statement_timeout={timeout * 1000}"
    return subprocess.run(  # noqa: S603
        [sys.executable, *arguments],
        cwd=PROJECT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    ).stdout


def ensure_base(reuse):
    if reuse and comment(BASE) == marker():
        return
    drop(BASE)
    create(BASE)
    print(f"  {BASE}: migrate, load the demo site", flush=True)
    run(BASE, "manage.py", "migrate", "--noinput", "-v", "0")
    run(BASE, "manage.py", "load_demo", "-v", "0")
    set_marker(BASE, marker())


def prepare(size, reuse, base):
    """The database for `size`, made from the base unless reused."""
    name = database_name(size)
    if reuse and comment(name) == marker(size):
        print(f"  {name}: reused", flush=True)
        return name
    drop(name)
    base()
    create(name, template=BASE)
    print(f"  {name}: {size:,} articles", flush=True)
    run(name, SCRIPT, "--task", "generate", "--size", str(size))
    set_marker(name, marker(size))
    return name


def table(sizes, results, repeat):
    """The results as a text table, one row per field and query, and its notes."""
    first, last = sizes[0], sizes[-1]
    labels = {size: database_name(size).removeprefix(PREFIX) for size in sizes}
    header = ["field", "query", ""]
    for size in sizes:
        header += [f"matches {labels[size]}", f"ms {labels[size]}"]
    header.append(f"growth {labels[last]}/{labels[first]}")
    rows, notes = [], set()
    for field in FIELDS:
        for label, text in QUERIES:
            row = [field, text, label]
            for size in sizes:
                result = results[size][field][text]
                matches, ms = result["matches"], result["ms"]
                row.append("?" if matches is None else matches)
                if matches and matches.startswith("~"):
                    notes.add("~: an estimate (totalCountIsEstimate)")
                if ms is None:
                    row.append(f">{TIMEOUT * 1000}")
                    notes.add(
                        f">{TIMEOUT * 1000}: cancelled by the {TIMEOUT} s "
                        "statement timeout; its matches are unknown (?)"
                    )
                elif result["runs"] < repeat:
                    row.append(f"{ms:.1f}*")
                    notes.add(f"*: median of fewer runs, which took over {BUDGET} s")
                else:
                    row.append(f"{ms:.1f}")
            row.append(growth(results[first][field][text], results[last][field][text]))
            rows.append(row)
    widths = [
        max(display_width(line[i]) for line in [header, *rows])
        for i in range(len(header))
    ]
    lines = [
        " | ".join(
            pad(cell, width, right=i > 2)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        )
        for line in [header, *rows]
    ]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join([*lines, *sorted(notes)])


def suggestion_table(sizes, results):
    """searchSuggestions (first 8, zh-hans): per prefix, the suggestions given and
    the median ms at each size, and the growth ratio."""
    first, last = sizes[0], sizes[-1]
    labels = {size: database_name(size).removeprefix(PREFIX) for size in sizes}
    header = ["searchSuggestions", "prefix", ""]
    for size in sizes:
        header += [f"given {labels[size]}", f"ms {labels[size]}"]
    header.append(f"growth {labels[last]}/{labels[first]}")
    rows = []
    for label, prefix in SUGGESTIONS:
        row = ["", prefix, label]
        for size in sizes:
            result = results[size]["searchSuggestions"][prefix]
            row += [str(result["matches"]), f"{result['ms']:.1f}"]
        found = [results[size]["searchSuggestions"][prefix] for size in (first, last)]
        row.append(growth(*found))
        rows.append(row)
    widths = [
        max(display_width(line[i]) for line in [header, *rows])
        for i in range(len(header))
    ]
    lines = [
        " | ".join(
            pad(cell, width, right=i > 2)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        )
        for line in [header, *rows]
    ]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def merged(rounds):
    """One result per query from several rounds' ({field: {query: result}}): the
    median of all their timed runs, None if any round timed out. A machine
    that is slower for a while (another process, a neighbour on the host) then
    slows every size alike rather than whichever was being measured."""
    first = rounds[0]
    results = {}
    for field, queries in first.items():
        for query, result in queries.items():
            found = [each[field][query] for each in rounds]
            timings = [t for each in found for t in each["timings"] or []]
            timed_out = any(each["timings"] is None for each in found)
            results.setdefault(field, {})[query] = {
                "matches": result["matches"],
                "ms": None if timed_out else statistics.median(timings),
                "runs": len(timings),
            }
    return results


def growth(small, large):
    """ms at the largest size over ms at the smallest; a lower bound (>) when the
    largest timed out."""
    if small["ms"] is None:
        return "?"
    if large["ms"] is None:
        return f">{TIMEOUT * 1000 / small['ms']:.0f}x"
    return f"{large['ms'] / small['ms']:.2f}x"


def display_width(text):
    """Columns on a terminal: CJK characters take two."""
    return sum(2 if "\u2e80" <= char <= "\uffef" else 1 for char in text)


def pad(text, width, right):
    space = " " * (width - display_width(text))
    return space + text if right else text + space


def main():
    parser = argparse.ArgumentParser(
        description="Chinese search at scale on PostgreSQL (see the module's "
        "docstring)."
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[1000, 100_000],
        help="numbers of generated articles (default: 1000 100000)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the databases, and measure those already complete as they are",
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="timed runs per query (default: 5)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="measuring processes per size, the sizes in turn (default: 3)",
    )
    parser.add_argument("--task", choices=["generate", "measure"], help=SUPPRESS)
    parser.add_argument("--size", type=int, help=SUPPRESS)
    args = parser.parse_args()
    for name in ("repeat", "rounds"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1, not {getattr(args, name)}")
    if args.task:
        task(args)
        return

    started = time.perf_counter()
    sizes = sorted(set(args.sizes))
    base = functools.cache(lambda: ensure_base(args.reuse))
    rounds = {size: [] for size in sizes}
    try:
        names = {size: prepare(size, args.reuse, base) for size in sizes}
        for number in range(1, args.rounds + 1):
            for size in sizes:
                print(f"  {names[size]}: measuring, round {number}", flush=True)
                output = run(
                    names[size],
                    SCRIPT,
                    "--task",
                    "measure",
                    "--repeat",
                    str(args.repeat),
                    capture=True,
                    timeout=TIMEOUT,
                )
                rounds[size].append(json.loads(output))
        results = {size: merged(rounds[size]) for size in sizes}
    finally:
        if not args.reuse:
            for name in [BASE, *map(database_name, sizes)]:
                drop(name)
    print()
    print(
        f"Chinese search on PostgreSQL through POST /graphql/: first page of 10, "
        f"median ms of {args.rounds} rounds of {args.repeat} runs after a warm-up, "
        "the sizes measured in turn"
    )
    print(
        f"Data size: {sizes[-1]:,} articles vs {sizes[0]:,} = {sizes[-1] / sizes[0]:g}x"
    )
    print()
    print(table(sizes, results, args.repeat * args.rounds))
    print()
    print(suggestion_table(sizes, results))
    print()
    print(f"Wall time: {time.perf_counter() - started:.0f} s")


def task(args):
    """One step in a process of its own, on the database of DATABASE_URL."""
    import django

    sys.path.insert(0, str(PROJECT))
    django.setup()
    if args.task == "generate":
        generate(args.size)
    else:
        print(json.dumps(measure(args.repeat)))


if __name__ == "__main__":
    main()
