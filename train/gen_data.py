"""Synthetic training data for the piguard name/address tagger.

Writes JSON lines ``{"text": ..., "spans": [[start, end, "PER"|"ADDR"], ...]}``.

Sources (all permitted for training):
- piguard's own shipped tables (``piguard.data``): surnames, given-name characters, US Census
  first/last names, the administrative-division table (real division names for addresses);
- ``train/lexicon.py``: hand-written word lists (titles, cues, places, road stems ...);
- the jieba dictionary (MIT), *only* as a source of ordinary words for filler text; every
  entry tagged as a person, place or other proper name (nr, nrt, nrfg, ns, nz) is dropped;
- GB2312 level-1 characters (decoded from the codec, no file) as rare given-name characters;
- presidio-research (MIT): English templates, and the ``generated_large/small`` samples
  (texts that also occur in ``synth_dataset_v2`` are dropped, as that set is for evaluation);
- ``train/templates/zh_*.txt``: Chinese prose written for this project (news of every desk,
  courts, social media, essays, local notices ...) with marked names, addresses, places and
  organisations (see ``train/templates/README.md``); ``Prose`` keeps or swaps the values.

No evaluation-only corpus (CLUENER, MSRA, People's Daily, Resume, Weibo) is read here.

Usage: python train/gen_data.py --out train/data/train.jsonl [--zh 130000 --en 50000 --prose 200000 --seed 1]
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import re
import sys
from pathlib import Path
from typing import ClassVar

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import lexicon as L  # noqa: E402

from piguard import data as D  # noqa: E402

SHARED = HERE.parent.parent / "shared" / "eval"

Piece = tuple[str, "str | None"]


# --- helpers -------------------------------------------------------------------------------------


class Weighted:
    """Sample items with given weights (cumulative table + bisect)."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cum = list(itertools.accumulate(weights))

    def __call__(self, rng: random.Random):
        return self.items[bisect.bisect_left(self.cum, rng.random() * self.cum[-1])]


def gb2312_level1() -> str:
    out = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(out)


CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


# --- Chinese names -------------------------------------------------------------------------------


class Names:
    def __init__(self):
        surnames = [s for s in D.cn_surnames() if len(s) == 1]
        ranks = [D.cn_surname_rank(s) for s in surnames]
        weights = [(1.0 / (r ** 0.8)) * 60 if r else 0.08 for r in ranks]
        self.single = Weighted(surnames, weights)
        self.compound = list(D.cn_compound_surnames())
        common = D.cn_given_name_chars()
        self.given_common = common
        stop = set("的了是在不有这个我你他她它们和与就也都而及或被把将对从向以为于所等着过吗呢吧啊么"
                   "什怎哪那此每各该某去到说要会能可没很更最还又再并且但却如若则即既因故")
        rare = [c for c in gb2312_level1() if c not in common and c not in stop]
        self.given_rare = rare
        self.translit = L.TRANSLIT_SYLLABLES
        self.en_first = list(D.en_first_names())
        self.en_last = list(D.en_last_names())
        self.word2: list[str] = []  # two-character ordinary words (set by main): 建国, 天然 ...
        self.surname_sets = (frozenset(surnames), frozenset(self.compound))

    def surname(self, rng) -> str:
        return rng.choice(self.compound) if rng.random() < 0.04 else self.single(rng)

    def given_char(self, rng) -> str:
        return rng.choice(self.given_common) if rng.random() < 0.62 else rng.choice(self.given_rare)

    def given(self, rng) -> str:
        r = rng.random()
        if r < 0.2:
            return self.given_char(rng)
        if r < 0.25:  # reduplicated (婷婷, 丽丽)
            return self.given_char(rng) * 2
        if r < 0.40 and self.word2:  # a given name that is also a word (建国, 天然, 金山)
            return rng.choice(self.word2)
        return self.given_char(rng) + self.given_char(rng)

    def cn_full(self, rng) -> str:
        return self.surname(rng) + self.given(rng)

    def translit_word(self, rng) -> str:
        if rng.random() < 0.45:
            return rng.choice(L.TRANSLIT_PARTS)
        n = rng.choice((2, 2, 3, 3, 3, 4))
        return "".join(rng.choice(self.translit) for _ in range(n))

    def foreign(self, rng) -> str:
        if rng.random() < 0.35:
            sep = rng.choice("··•.")
            return self.translit_word(rng) + sep + self.translit_word(rng)
        return self.translit_word(rng)

    def japanese(self, rng) -> str:
        return rng.choice(L.JP_SURNAMES) + (rng.choice(L.JP_GIVEN) if rng.random() < 0.85 else "")

    def english(self, rng) -> str:
        r = rng.random()
        first, last = rng.choice(self.en_first), rng.choice(self.en_last)
        if r < 0.5:
            return f"{first} {last}"
        if r < 0.75:
            return first
        return last

    def any(self, rng) -> str:
        r = rng.random()
        if r < 0.68:
            return self.cn_full(rng)
        if r < 0.85:
            return self.foreign(rng)
        if r < 0.89:
            return self.japanese(rng)
        if r < 0.94:
            return self.english(rng)
        g = self.given(rng)
        return g if len(g) == 2 else g + self.given_char(rng)


# --- places and addresses ------------------------------------------------------------------------


class Places:
    def __init__(self):
        self.counties = list(D.division_codes_for_generation())

    def chain(self, rng) -> tuple[str | None, str | None, str]:
        code = rng.choice(self.counties)
        county = D.division_name(code)
        pref = D.division_name(code[:4] + "00")
        prov = D.division_name(code[:2] + "0000")
        return prov, pref, county

    @staticmethod
    def short(name: str) -> str:
        if name in L.PROVINCE_SHORT:
            return L.PROVINCE_SHORT[name]
        for suf in ("省", "市"):
            if name.endswith(suf) and len(name) > 2:
                return name[: -len(suf)]
        return name

    def admin(self, rng, full_prob=0.7) -> list[str]:
        prov, pref, county = self.chain(rng)
        parts = []
        municipality = prov is not None and prov.endswith("市")
        if prov and rng.random() < (0.75 if municipality else 0.55):
            parts.append(prov if rng.random() < full_prob else self.short(prov))
        if pref and rng.random() < 0.8:
            parts.append(pref if rng.random() < full_prob or not parts else self.short(pref))
        if rng.random() < 0.8 or not parts:
            parts.append(county)
        return parts

    def road(self, rng) -> str:
        stem = rng.choice(L.ROAD_STEMS)
        if rng.random() < 0.25:
            stem = self.short(self.chain(rng)[2])[:2]
        return stem + rng.choice(L.ROAD_SUFFIX)

    @staticmethod
    def num(rng, lo=1, hi=999, cn=0.12) -> str:
        n = rng.randint(lo, hi) if rng.random() < 0.7 else rng.randint(lo, min(hi, 60))
        return cn_number(n) if rng.random() < cn and n < 100 else str(n)

    def community(self, rng) -> str:
        stem = rng.choice(L.COMMUNITY_STEMS)
        if rng.random() < 0.3:
            stem += rng.choice(L.COMMUNITY_STEMS)
        return stem + rng.choice(L.COMMUNITY_SUFFIX)

    def town(self, rng) -> str:
        stem = rng.choice(L.ROAD_STEMS) if rng.random() < 0.5 else self.short(self.chain(rng)[2])[:2]
        return stem + rng.choice(L.TOWN_SUFFIX)

    def full_address(self, rng) -> str:
        parts = self.admin(rng) if rng.random() < 0.85 else []
        tail = []
        if rng.random() < 0.2:
            tail.append(self.town(rng))
            if rng.random() < 0.5:
                tail.append(rng.choice(L.ROAD_STEMS) + rng.choice(L.VILLAGE_SUFFIX))
                if rng.random() < 0.5:
                    tail.append(self.num(rng, 1, 12, cn=0.5) + "组")
        if rng.random() < 0.85 or not tail:
            tail.append(self.road(rng))
            if rng.random() < 0.85:
                tail.append(self.num(rng) + rng.choice(("号", "号", "号", "弄", "号院")))
        if rng.random() < 0.55:
            tail.append(self.community(rng))
        r = rng.random()
        if r < 0.55:
            tail.append(self.num(rng, 1, 40) + rng.choice(("栋", "幢", "号楼", "座", "楼", "区")))
            if rng.random() < 0.5:
                tail.append(self.num(rng, 1, 8, cn=0.4) + "单元")
            if rng.random() < 0.75:
                tail.append(str(rng.randint(1, 33)) + f"{rng.randint(1, 12):02d}" + rng.choice(("室", "室", "房", "号", "")))
        elif r < 0.7:
            tail.append(self.num(rng, 1, 40) + rng.choice(("层", "楼")))
        text = "".join(parts + tail)
        return text

    def landmark(self, rng) -> str:
        r = rng.random()
        stem = rng.choice(L.ROAD_STEMS) if r < 0.5 else (rng.choice(L.COMMUNITY_STEMS) if r < 0.8 else self.short(self.chain(rng)[2])[:2])
        pre = self.short(self.chain(rng)[rng.choice((0, 1))] or "") if rng.random() < 0.35 else ""
        return pre + stem + rng.choice(L.LANDMARK_SUFFIX)

    def place(self, rng) -> str:
        """A place mention without street detail (city, province, county, country, road)."""
        r = rng.random()
        prov, pref, county = self.chain(rng)
        if r < 0.22:
            return self.short(prov) if rng.random() < 0.6 else prov
        if r < 0.42 and pref:
            return self.short(pref) if rng.random() < 0.6 else pref
        if r < 0.52:
            return county
        if r < 0.62:
            return "".join(self.admin(rng))
        if r < 0.70:
            return rng.choice(L.COUNTRIES)
        if r < 0.76:
            return rng.choice(L.REGIONS)
        if r < 0.86:
            return rng.choice(L.FOREIGN_CITIES)
        if r < 0.95:
            return self.road(rng)
        return self.community(rng)


# --- filler text ---------------------------------------------------------------------------------


BAD_TAGS = frozenset({"nr", "nrt", "nrfg", "ns", "nz", "x", "eng"})


def ordinary_word(parts: list[str], top_surnames: set[str]) -> bool:
    """An ordinary word of jieba's dictionary: not tagged as a proper name, except the
    two-character ``nr`` entries that are common words too (温馨, 保健, 公正: frequency >= 100
    and not opening with one of the 100 most common surnames, so 李鹏 or 高峰 stay out)."""
    w, f, tag = parts[0], int(parts[1]), parts[2]
    if tag not in BAD_TAGS:
        return True
    return tag == "nr" and len(w) == 2 and f >= 100 and w[0] not in top_surnames


class Filler:
    def __init__(self, jieba_dict: Path | None, surnames: set[str]):
        words, weights = [], []
        if jieba_dict and jieba_dict.exists():
            rows = []
            top_surnames = {s for s in D.cn_surnames() if D.cn_surname_rank(s)}
            for line in jieba_dict.read_text(encoding="utf-8").splitlines():
                parts = line.split()
                if len(parts) != 3 or not ordinary_word(parts, top_surnames):
                    continue
                w, f = parts[0], int(parts[1])
                if f < 3 or not all("\u4e00" <= c <= "\u9fff" for c in w):
                    continue
                rows.append((f, w))
            rows.sort(reverse=True)
            for f, w in rows[:90000]:
                wt = f ** 0.55
                if w[0] in surnames and len(w) > 1:
                    wt *= 2.5  # hard negatives: ordinary words that open with a surname
                words.append(w)
                weights.append(wt)
        for w in L.FILLER_PHRASES:
            words.append(w)
            weights.append(30.0)
        self.pick = Weighted(words, weights)
        # the most frequent words by raw frequency (function words: 的 了 在 也 就 ...)
        top = sorted(zip(weights, words), reverse=True)[:4000]
        self.pick_top = Weighted([w for _, w in top], [wt ** (1 / 0.55) for wt, _ in top])
        self.word2 = [w for w in words[:40000] if len(w) == 2 and w[0] not in surnames]
        self.nouns = [w for w in words[:30000] if 2 <= len(w) <= 4]

    def words(self, rng, lo=2, hi=10) -> str:
        n = rng.randint(lo, hi)
        out = []
        for i in range(n):
            out.append(self.pick_top(rng) if rng.random() < 0.35 else self.pick(rng))
            if i < n - 1 and rng.random() < 0.08:
                out.append(rng.choice("，，、"))
        return "".join(out)


# --- templates -----------------------------------------------------------------------------------

ZH_TEMPLATES = r"""
您好，我是{PER}，订单号{NUM}，一直没有收到货。
客服：请问您的收货地址是？用户：{ADDR}
我叫{PER}，手机号{PHONE}，麻烦帮我查一下物流。
{SURH}您好，您的快递已到{ADDR}的驿站，请及时领取。
亲，收件人写的是{PER}，地址是{ADDR}，对吗？
麻烦把地址改成{ADDR}，收件人改成{PER}，电话不变。
好的{SURH}，已为您登记，工作人员会在{DATE}联系您。
用户{PER}反馈：{FILL}。
您好{SURH}，{FILL}，请您耐心等待。
我是{ADDR}的业主{PER}，楼上漏水了，麻烦派人来看看。
我家住在{ADDR}，{FILL}。
请问是{SURH}吗？您在{ORG}的订单已发货。
{SURH}，您的预约已确认，地点：{ADDR}。
姓名：{PER} 性别：{SEX} 身份证号：{ID} 住址：{ADDR}
姓名：{PER}\n性别：{SEX}\n民族：{ETH}\n出生：{DATE}\n住址：{ADDR}
{NCUE}：{PER}，联系电话：{PHONE}
{NCUE}：{PER}
{NCUE}:{PER}  {ACUE}:{ADDR}
{ACUE}：{ADDR}
{ACUE}：{ADDR}，邮编{NUM}
申请人{PER}，身份证号码{ID}，现住{ADDR}。
户主姓名：{PER}；户籍地址：{ADDR}
紧急联系人：{PER}（{REL}），电话{PHONE}
开户人：{PER} 开户行：{ORG}
收件人：{PER} {PHONE} {ADDR}
寄件人：{PER}，{ADDR}，{PHONE}
【{ORG}】您的包裹已由{ADDR}发出，收件人{PER}。
快递员{PER}正在派送，电话{PHONE}。
{ADDR} {PER} 收 {PHONE}
收货地址：{ADDR}（{PER}收）
{ADDR}，{PER}，{PHONE}
{PER},{PHONE},{ID},{ADDR}
{PER}|{SEX}|{PHONE}|{ADDR}|{DATE}
{NUM}\t{PER}\t{PHONE}\t{ADDR}
{PER}----{PHONE}----{ADDR}
{PER} {SEX} {AGE}岁 {PHONE} {ADDR}
"name":"{PER}","mobile":"{PHONE}","address":"{ADDR}"
{"姓名": "{PER}", "电话": "{PHONE}", "地址": "{ADDR}"}
[INFO] 用户{PER}(uid={NUM})登录成功，IP {IP}
{DATE} 12:0{NUM1}:3{NUM1} WARN 订单{NUM} 收货人={PER} 地址={ADDR}
用户 {PER} 修改收货地址为 {ADDR}
操作员{PER}于{DATE}导出了客户数据。
{PER}，{SEX}，{YEAR}年出生，中国国籍，无境外永久居留权，{EDU}学历，现任{ORG}{TITLE}。
{PER}先生：{YEAR}年{MONTH}月出生，{EDU}，高级工程师。
{PER}女士，中国国籍，{EDU}学历，曾任{ORG}{TITLE}、{ORG}{TITLE}。
{PER}：{SEX}，{YEAR}年生，{EDU}学历，{FILL}。
{SURH}于{YEAR}年加入本公司，历任{TITLE}、{TITLE}。
{SURH}曾任{ORG}{TITLE}，现任本公司{TITLE}。
员工{PER}，工号{NUM}，所属部门：{DEPT}，入职日期{DATE}。
经研究决定，任命{PER}同志为{ORG}{TITLE}。
{PER}（{TITLE}）：负责公司日常经营管理工作。
{PER}，男，汉族，{YEAR}年{MONTH}月生，{LOC}人，{EDU}学历。
{PER}，女，{YEAR}年{MONTH}月出生，籍贯{LOC}，中共党员。
{ORG}{TITLE}{PER}表示，{FILL}。
据{ORG}消息，{PER}日前在{LOC}出席{FILL}。
新华社{LOC}{MONTH}月{DAY}日电（记者{PER}）{FILL}。
本报讯（记者{PER} 通讯员{PER}）{FILL}。
{PER}说：“{FILL}。”
“{FILL}，”{PER}说，“{FILL}。”
{TITLE}{PER}、{TITLE}{PER}等出席了会议。
{PER}、{PER}、{PER}和{PER}获得{FILL}。
{PER}、{PER}等{NUM1}人{FILL}。
在{LOC}，{PER}向记者介绍了{FILL}。
{LOC}{TITLE}{PER}会见了{LOC}{TITLE}{PER}。
{PER}指出，{FILL}。
{PER}在{MONTH}月{DAY}日的比赛中{FILL}。
{PER}的{FILL}。
{FILL}，{PER}{VERB}{FILL}。
{FILL}{PREP}{PER}{FILL}。
{TITLE}{PER}{VERB}，{FILL}。
{PER}{VERB}{FILL}。
{PER}{HON}{VERB}，{FILL}。
{FILL}，{SURH}{FILL}。
{FILL}{LOC}{FILL}。
{FILL}，在{LOC}{FILL}。
{PER}来自{LOC}，{FILL}。
{PER}出生于{LOC}，{FILL}。
{PER}住在{ADDR}。
{FILL}位于{ADDR}，{FILL}。
{ORG}位于{ADDR}。
地址：{ADDR}，电话：{PHONE}。
事发地点位于{ADDR}，{FILL}。
{DATE}，{PER}在{ADDR}{FILL}。
{PER}驾车行至{LOC}时{FILL}。
{PER}是{ORG}的{TITLE}，{FILL}。
{FILL}。{PER}{VERB}：“{FILL}。”
{FILL}，{FILL}。
{FILL}。
{FILL}，{ORG}{FILL}。
{ORG}{FILL}，{FILL}。
{FILL}{ORG}{FILL}。
{TITLE}{FILL}。
{FPER}{VERB}，{FILL}。
{FPER}执教的球队{FILL}。
{LOC}球星{FPER}{FILL}。
{FPER}和{FPER}{FILL}。
{LOC}总统{FPER}{FILL}。
{PER}导演的电影《{FILL}》{FILL}。
《{FILL}》的作者{PER}{FILL}。
@{PER} {FILL}
{PER}{NEXT}{FILL}。
{FILL}，{PER}{NEXT}{FILL}。
{FILL}{PER}{NEXT}{FILL}。
{TITLE}{PER}{NEXT}{FILL}。
{FILL}{TITLE}{PER}{NEXT}{FILL}
{FILL}{PREP}{PER}{NEXT}{FILL}。
{FILL}{NEXT}{PER}{NEXT}{FILL}
（记者{PER}通讯员{PER}）{FILL}
（记者{PER}实习生{PER}）{FILL}
记者{PER}报道：{FILL}。
{PER}/文 {FILL}
（{PER}/摄）
{FPER}在第{NUM1}{NUM1}分钟打进一球，{TEAM}{NUM1}比{NUM1}战胜{TEAM}。
{TEAM}主场迎战{TEAM}，{FPER}首发出场。
{TEAM}主帅{FPER}{VERB}{FILL}。
{TEAM}{NEXT}{FILL}，{FPER}{NEXT}{FILL}。
{FPER}{NEXT}{FILL}{TEAM}{FILL}。
{TEAM}vs{TEAM}推荐：{FILL}
在{FLOC}，{FPER}{FILL}。
{LOC}、{LOC}和{LOC}{FILL}。
{TITLE}{PER}{MONTH}月{DAY}日{FILL}。
{LOC}{TITLE}{PER}{DAY}日{VERB}{FILL}。
{PER}{DAY}日{VERB}，{FILL}。
{PER}{YEAR}年{FILL}。
{LOC}{TITLE}{FPER}{DAY}日{VERB}{FILL}。
{FPER}{DAY}日在{LOC}{FILL}。
{TITLE}{FPER}{NEXT}{FILL}。
{FILL}{FPER}{NEXT}{FILL}。
{PER}{HON}{FILL}。
曾任{ORG}{TITLE}，现任{ORG}{TITLE}。
曾获{FILL}奖。
曾先后在{ORG}、{ORG}任职。
兼任{ORG}{TITLE}、{ORG}{TITLE}。
现任{ORG}{TITLE}，{FILL}。
历任{ORG}{TITLE}、{TITLE}。
{ORG}{TITLE}{PER}，{FILL}。
{EDU}学历，{FILL}。
{FILL}在{LMK}举行，{FILL}。
{FILL}位于{LMK}{FILL}。
{PER}前往{LMK}{FILL}。
{DATE}，{FILL}{LMK}{FILL}。
游客在{LMK}{FILL}。
{LOC}、{LOC}、{LOC}{FILL}
{FILL}{LOC}和{LOC}{FILL}。
{FLOC}{FILL}，{FILL}。
{FILL}位于{FLOC}{FILL}。
{LOC}{TITLE}{FPER}{NEXT}{FILL}。
{PER}：{FILL}
{PER}:{FILL}
{FILL}（{PER}）
{FILL}{PER}{FILL}
""".strip("\n").split("\n")


EN_TEMPLATES = r"""
My name is {PER} and I live at {ADDR}.
Dear {TPER},\n{SENT}
Hi {FIRST}, {SENT}
Best regards,\n{PER}
Thanks,\n{FIRST}
Name: {PER}\nAddress: {ADDR}\nPhone: {PHONE}
Customer: {PER}; shipping address: {ADDR}
Ship to: {PER}, {ADDR}
{PER},{PHONE},{EMAIL},{ADDR}
{PER}\t{ADDR}\t{PHONE}
"name": "{PER}", "address": "{ADDR}"
2023-04-0{NUM1} 10:12:33 INFO user={LOGIN} name="{PER}" action=login ip={IP}
ERROR failed to deliver order {NUM} to {ADDR} (recipient {PER})
{PER} joined {ORG} in {YEAR} as a {JOB}.
{PER}, a {JOB} at {ORG}, said the results were encouraging.
"{SENT}" said {PER}, {JOB} of {ORG}.
{TPER} will meet the delegation in {CITY} on {DAY}.
According to {PER}, {SENT}
{PER} and {PER} were among the guests.
The property at {ADDR} was sold last year.
Please send the documents to {ADDR}.
The meeting will be held at {ADDR}.
I moved from {CITY} to {ADDR} last month.
Our office is located at {ADDR}, {CITY}.
{PER} lives at {ADDR}.
{SENT}
{SENT} {SENT}
{ORG} announced on {DAY} that {SENT}
{CITY} is a great place to visit in {MONTHNAME}.
Call {PER} at {PHONE} for details.
Patient: {PER}, DOB {DATE}, address {ADDR}.
Employee {PER} (ID {NUM}) was transferred to the {CITY} office.
Contact person: {TPER}
Signed: {PER}
cc: {PER}; {PER}
From: {PER} <{EMAIL}>
""".strip("\n").split("\n")

EN_SENTENCES = [
    "We will review your request and get back to you shortly.",
    "The package was delayed because of the weather.",
    "Thank you for your order.",
    "Please find the attached invoice for March.",
    "The quarterly report shows steady growth in all regions.",
    "Let me know if you have any questions.",
    "The system will be down for maintenance on Sunday.",
    "Our team in New York is working on it.",
    "Monday Tuesday Wednesday Thursday Friday",
    "The Board approved the Annual Budget on Friday.",
    "Visit our Help Center for more information.",
    "The Great Wall of China attracts millions of visitors.",
    "Microsoft and Google announced new products at the conference.",
    "The United Nations held a meeting in Geneva.",
    "Amazon Prime Day starts in July.",
    "I love the new iPhone and the Apple Watch.",
    "The Federal Reserve raised interest rates again.",
    "Wisdom and Discipline are often capitalized in titles.",
    "Happy New Year from all of us!",
    "The Customer Service team is available 24/7.",
    "Click Next to continue, or Cancel to stop.",
    "The Eiffel Tower is in Paris.",
    "Your password has been reset successfully.",
    "He said it was the best concert of the year.",
    "She works in the Marketing Department.",
    "The Supreme Court ruled on the case last week.",
]
US_STATES = L.words("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY")
EN_CITIES = L.words("""Springfield Franklin Greenville Bristol Clinton Fairview Salem Madison Georgetown Arlington
Ashland Dover Oxford Jackson Burlington Manchester Milton Newport Auburn Dayton Lexington Milford Riverside
Cleveland Hudson Kingston Mount_Vernon Oakland Winchester Portland Austin Denver Boston Seattle Chicago
Houston Phoenix Dallas Atlanta Miami Orlando Tampa Nashville Memphis Detroit Columbus Toronto London Leeds
Glasgow Dublin Paris Lyon Berlin Hamburg Munich Vienna Zurich Madrid Seville Lisbon Rome Milan Oslo Helsinki
Stockholm Copenhagen Warsaw Prague Budapest Sydney Melbourne Auckland""")
STREET_SUFFIX = L.words("Street St. St Avenue Ave. Ave Road Rd. Rd Boulevard Blvd. Lane Ln. Drive Dr. Court Ct. Place Pl. Way Terrace Parkway Circle Highway Square")
STREET_STEMS = L.words("""Main Oak Maple Pine Cedar Elm Washington Lincoln Park Lake Hill Church High Mill Spring
Sunset River Forest Meadow Willow Highland Ridge Valley Chestnut Walnut Jefferson Madison Franklin Adams
Jackson Cherry Birch Poplar Broadway Market King Queen Victoria Station Bridge Green North South East West
Union Center Liberty Prospect Front Water School College""")
INTL_STREET = L.words("Koskikatu Hauptstrasse Bahnhofstrasse Schillerstraße Storgatan Vesterbrogade Dorfstraße Kirchweg Nygatan Rue_de_la_Paix Via_Roma Calle_Mayor Avenida_Paulista Rua_Augusta Strandvejen Mannerheimintie Karl_Johans_gate Ulica_Długa")
CONT_STEMS = L.words("""Ziegel Kirch Linden Birken Garten Schul Berg Wald Rosen Mühlen Kianno Koivu Puisto
Männikkö Rauha Aalto Strand Skov Nørre Øster Populieren Eiken Linde Molen Kerk Jesionowa Długa Polna Leśna
Ogrodowa Lipowa Nuova Garibaldi Roma Mazzini Verdi Mayor Sol Flores Augusta Liberdade Paz Arenque Franscini
Wien Tylova Parmova Dašická Příční Bygget Allika Harju Kuusiku Puru Lilas Moulin Église Gare Fontaine""")
CONT_SUFFIX = L.words("""strasse straße gasse weg allee platz damm katu tie kuja polku vej vejen gade gata gatan
vägen veien stien straat laan gracht plein utca ulica""")
CONT_PREFIX = L.words("Via Viale Piazza Corso Calle Avenida Rua Travessa Praça ul. al. Plac Rue Avenue Boulevard")
ORG_EN = L.words("Acme_Corp Globex Initech Umbrella_Inc Stark_Industries Wayne_Enterprises Microsoft Google Amazon IBM Oracle Intel Siemens Deloitte Accenture Barclays HSBC Walmart Target Pfizer Boeing Toyota Samsung Contoso Fabrikam Northwind_Traders")
MONTHS = L.words("January February March April May June July August September October November December")
DAYS = L.words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
TITLE_WORDS = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "madam", "mx"}
TITLES_EN = L.words("Mr. Mrs. Ms. Miss Dr. Prof. Mr Mrs Ms Dr Sir Madam")


class English:
    def __init__(self, names: Names):
        self.first = list(names.en_first)
        self.last = list(names.en_last)
        self.addr_pool: list[str] = []
        self.samples: list[list[Piece]] = []
        self.templates: list[str] = []
        self._load_presidio()

    def _load_presidio(self):
        base = SHARED / "presidio_research"
        v2 = SHARED / "normalized" / "presidio_synth_v2.spans.jsonl"
        if not base.exists():
            return
        held = set()
        if v2.exists():
            held = {json.loads(line)["text"] for line in v2.open(encoding="utf-8")}
        for name in ("generated_large.json", "generated_small.json"):
            p = base / name
            if not p.exists():
                continue
            for item in json.loads(p.read_text(encoding="utf-8")):
                text = item["full_text"]
                if text in held:
                    continue
                spans = []
                for s in item["spans"]:
                    lab = {"PERSON": "PER", "ADDRESS": "ADDR", "STREET_ADDRESS": "ADDR"}.get(s["entity_type"])
                    if lab:
                        spans.append((s["start_position"], s["end_position"], lab))
                        if lab == "PER":
                            toks = s["entity_value"].split()
                            if (len(toks) >= 2 and toks[0][:1].isupper() and "." not in toks[0]
                                    and toks[0].lower().rstrip(".") not in TITLE_WORDS):
                                self.first.append(toks[0])
                                self.last.append(toks[-1])
                        elif len(s["entity_value"]) > 15:
                            self.addr_pool.append(s["entity_value"])
                self.samples.append(_pieces_from_spans(text, spans))
        tp = base / "templates.txt"
        if tp.exists():
            self.templates = [t for t in tp.read_text(encoding="utf-8").splitlines() if t.strip()]

    def name(self, rng, kind="full") -> str:
        first, last = rng.choice(self.first), rng.choice(self.last)
        if kind == "first":
            n = first
        elif kind == "last":
            n = last
        else:
            r = rng.random()
            if r < 0.72:
                n = f"{first} {last}"
            elif r < 0.84:
                n = f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}"
            elif r < 0.9:
                n = f"{first} {rng.choice(self.first)} {last}"
            elif r < 0.95:
                n = first
            else:
                n = last
        r = rng.random()
        if r < 0.04:
            n = n.lower()
        elif r < 0.06:
            n = n.upper()
        return n

    def street(self, rng) -> str:
        r = rng.random()
        if r < 0.7:
            return f"{rng.choice(STREET_STEMS)} {rng.choice(STREET_SUFFIX)}"
        if r < 0.8:
            n = rng.randint(1, 99)
            suf = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
            return f"{n}{suf} {rng.choice(STREET_SUFFIX)}"
        if r < 0.86:
            return rng.choice(INTL_STREET).replace("_", " ") + f" {rng.randint(1, 150)}"
        return self.continental_street(rng)

    def continental_street(self, rng) -> str:
        """European street names as Faker's locales write them: Ziegelgasse 19, Kiannonkatu 98,
        Via Nuova del Campo 85, 26 rue des Lilas, ul. Jesionowa 127, Populierenstraat 374."""
        stem = rng.choice(CONT_STEMS) if rng.random() < 0.6 else rng.choice(self.last)
        n = rng.randint(1, 400)
        r = rng.random()
        if r < 0.5:
            suffix = rng.choice(CONT_SUFFIX)
            name = stem + suffix if rng.random() < 0.8 else f"{stem} {suffix.capitalize()}"
            return f"{name} {n}"
        if r < 0.75:
            pre = rng.choice(CONT_PREFIX)
            return f"{pre} {rng.choice(('', 'del ', 'de ', 'do ', 'da ', 'di '))}{stem} {n}"
        if r < 0.88:
            return f"{n} {rng.choice(('rue', 'avenue', 'boulevard', 'chemin', 'place'))} {rng.choice(('de ', 'des ', 'du ', ''))}{stem}"
        return f"{rng.choice(('USS', 'USNS', 'USNV', 'USCGC'))} {rng.choice(self.last)} FPO {rng.choice(('AA', 'AE', 'AP'))} {rng.randint(10000, 99999)}"

    def secondary(self, rng) -> str:
        return rng.choice(("Apt.", "Apt", "Suite", "Unit", "#", "Flat")) + " " + str(rng.randint(1, 999))

    def city(self, rng) -> str:
        return rng.choice(EN_CITIES).replace("_", " ")

    def zipcode(self, rng) -> str:
        return f"{rng.randint(1000, 99999):05d}"

    def address(self, rng) -> str:
        if self.addr_pool and rng.random() < 0.2:
            return rng.choice(self.addr_pool)
        r = rng.random()
        a = f"{rng.randint(1, 9999)} {self.street(rng)}"
        if rng.random() < 0.35:
            a += (", " if rng.random() < 0.5 else " ") + self.secondary(rng)
        if r < 0.3:
            return a
        if r < 0.75:
            return f"{a}, {self.city(rng)}, {rng.choice(US_STATES)} {self.zipcode(rng)}"
        if r < 0.85:
            return f"{a}\n{self.city(rng)}, {rng.choice(US_STATES)} {self.zipcode(rng)}"
        if r < 0.93:
            return f"{a}, {self.city(rng)} {self.zipcode(rng)}"
        return f"PO Box {rng.randint(1, 9999)}, {self.city(rng)}, {rng.choice(US_STATES)} {self.zipcode(rng)}"

    def fill_presidio(self, rng, template: str) -> list[Piece]:
        """Fill a presidio-research template; adjacent address parts form one ADDR span."""
        template = template.replace("\\n", "\n")
        out: list[Piece] = []
        pos = 0
        addr_keys = {"building_number", "street_name", "secondary_address", "zipcode", "postcode"}
        tail_keys = {"city", "country", "state_abbr"}
        pending: list[tuple[str, str]] = []  # (key, value) of an address run

        def flush():
            if not pending:
                return
            keys = [k for k, _ in pending]
            if any(k in addr_keys for k in keys if k != "") or "address" in keys:
                out.append(("".join(v for _, v in pending), "ADDR"))
            else:
                for _k, v in pending:
                    out.append((v, None))
            pending.clear()

        for m in re.finditer(r"\{\{(\w+)\}\}", template):
            gap = template[pos:m.start()]
            key = m.group(1)
            val, lab = self._value(rng, key)
            joinable = pending and re.fullmatch(r"[\s,]*", gap) is not None
            if lab == "ADDRPART" or (key in tail_keys and pending):
                if pending and not joinable:
                    flush()
                    out.append((gap, None))
                elif pending:
                    pending.append(("", gap))
                else:
                    out.append((gap, None))
                pending.append((key, val))
            else:
                flush()
                out.append((gap, None))
                out.append((val, lab))
            pos = m.end()
        flush()
        out.append((template[pos:], None))
        return out

    def _value(self, rng, key: str) -> tuple[str, str | None]:
        if key in ("name", "person", "name_male", "name_female"):
            return self.name(rng), "PER"
        if key.startswith("first_name"):
            return self.name(rng, "first"), "PER"
        if key.startswith("last_name"):
            return self.name(rng, "last"), "PER"
        if key.startswith("prefix"):
            return rng.choice(TITLES_EN), None
        if key == "address":
            return self.address(rng), "ADDRPART"
        if key == "street_name":
            return self.street(rng), "ADDRPART"
        if key == "building_number":
            return str(rng.randint(1, 9999)), "ADDRPART"
        if key == "secondary_address":
            return self.secondary(rng), "ADDRPART"
        if key in ("zipcode", "postcode"):
            return self.zipcode(rng), "ADDRPART"
        if key == "city":
            return self.city(rng), None
        if key == "country":
            return rng.choice(("Germany", "France", "Norway", "Uruguay", "Canada", "Japan", "Brazil", "Kenya", "Spain", "India")), None
        if key == "state_abbr":
            return rng.choice(US_STATES), None
        if key == "organization":
            return rng.choice(ORG_EN).replace("_", " "), None
        if key == "phone_number":
            return f"({rng.randint(200, 999)}) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}", None
        if key == "email":
            return f"{rng.choice(self.first).lower()}{rng.randint(1, 99)}@example.com", None
        if key in ("year",):
            return str(rng.randint(1950, 2023)), None
        if key == "age":
            return str(rng.randint(18, 90)), None
        if key == "credit_card_number":
            return "4" + "".join(str(rng.randint(0, 9)) for _ in range(15)), None
        if key == "ssn":
            return f"{rng.randint(100, 899)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}", None
        if key == "job":
            return rng.choice(L.JOB_TITLES_EN), None
        if key in ("nationality", "nation_woman", "nation_plural"):
            return rng.choice(("French", "German", "Italian", "Mexican", "Chinese", "Indian")), None
        if key in ("date_of_birth", "date_time"):
            return f"{rng.choice(MONTHS)} {rng.randint(1, 28)}, {rng.randint(1950, 2020)}", None
        if key == "day_of_week":
            return rng.choice(DAYS), None
        if key == "ip_address":
            return ".".join(str(rng.randint(1, 254)) for _ in range(4)), None
        if key == "url":
            return "https://www.example.com/" + str(rng.randint(1, 999)), None
        if key == "iban":
            return "DE89370400440532013000", None
        if key == "us_driver_license":
            return "D" + str(rng.randint(1000000, 9999999)), None
        return key, None

    def fill_own(self, rng, template: str) -> list[Piece]:
        template = template.replace("\\n", "\n").replace("\\t", "\t")
        out: list[Piece] = []
        pos = 0
        for m in re.finditer(r"\{([A-Z0-9]+)\}", template):
            out.append((template[pos:m.start()], None))
            k = m.group(1)
            if k == "PER":
                out.append((self.name(rng), "PER"))
            elif k == "FIRST":
                out.append((self.name(rng, "first"), "PER"))
            elif k == "TPER":
                t = rng.choice(TITLES_EN)
                out.append((t + " ", None))
                out.append((self.name(rng, "last" if rng.random() < 0.6 else "full"), "PER"))
            elif k == "ADDR":
                out.append((self.address(rng), "ADDR"))
            elif k == "SENT":
                out.append((rng.choice(EN_SENTENCES), None))
            elif k == "CITY":
                out.append((self.city(rng), None))
            elif k == "ORG":
                out.append((rng.choice(ORG_EN).replace("_", " "), None))
            elif k == "JOB":
                out.append((rng.choice(L.JOB_TITLES_EN), None))
            elif k == "DAY":
                out.append((rng.choice(DAYS), None))
            elif k == "MONTHNAME":
                out.append((rng.choice(MONTHS), None))
            elif k == "LOGIN":
                out.append((rng.choice(self.first).lower()[:6] + str(rng.randint(1, 99)), None))
            else:
                out.append((self._value(rng, {"PHONE": "phone_number", "EMAIL": "email", "NUM": "age",
                                              "NUM1": "age", "YEAR": "year", "IP": "ip_address",
                                              "DATE": "date_of_birth"}.get(k, k))[0], None))
            pos = m.end()
        out.append((template[pos:], None))
        return out


def _pieces_from_spans(text: str, spans) -> list[Piece]:
    out: list[Piece] = []
    pos = 0
    for s, e, lab in sorted(spans):
        if s < pos:
            continue
        out.append((text[pos:s], None))
        out.append((text[s:e], lab))
        pos = e
    out.append((text[pos:], None))
    return out


# --- the Chinese sample builder --------------------------------------------------------------------


_CUED = re.compile(r"[：:=]$|\{NCUE\}|姓名|收件人|收货人|寄件人|联系人|申请人|户主|我叫|我是|开户人|快递员|用户|员工|记者|通讯员|实习生")


class Chinese:
    def __init__(self, names: Names, places: Places, filler: Filler):
        self.n, self.p, self.f = names, places, filler

    def per(self, rng, cued: bool = False) -> list[Piece]:
        r = 1.0 if cued else rng.random()
        if r < 0.10:  # the same context with an ordinary word: context alone is no proof
            return [(rng.choice(self.f.nouns), None)]
        if r < 0.13:
            return [(self.p.place(rng), "ADDR")]
        if r < 0.16:
            return [(self.team(rng), None)]
        return [(self.n.any(rng), "PER")]

    def team(self, rng) -> str:
        """A transliterated club or brand name (not a person)."""
        w = self.n.translit_word(rng)
        return w + rng.choice(("", "", "队", "城", "联", "俱乐部", "公司", "集团"))

    def foreign_place(self, rng) -> str:
        return self.n.translit_word(rng) + rng.choice(("", "市", "港", "州", "岛", "山", "河", "湾", "省"))

    def surh(self, rng) -> list[Piece]:
        hon = rng.choice(L.HONORIFIC_AFTER[:12]) if rng.random() < 0.7 else rng.choice(L.HONORIFIC_AFTER)
        name = self.n.surname(rng) if rng.random() < 0.65 else self.n.cn_full(rng)
        return [(name, "PER"), (hon, None)]

    def org(self, rng) -> str:
        r = rng.random()
        if r < 0.4:
            return self.p.short(self.p.chain(rng)[rng.choice((0, 1, 2))] or "北京市") + rng.choice(L.ORG_SUFFIX)
        if r < 0.7:
            return rng.choice(L.ORG_STEMS) + rng.choice(L.ORG_SUFFIX)
        if r < 0.85:
            return rng.choice(L.ORG_STEMS)
        return self.p.short(self.p.chain(rng)[1] or "上海市") + rng.choice(L.ORG_STEMS) + rng.choice(L.ORG_SUFFIX)

    def slot(self, rng, k: str, cued: bool = False) -> list[Piece]:
        n, p = self.n, self.p
        if k == "PER":
            return self.per(rng, cued)
        if k == "FPER":
            return [(n.foreign(rng), "PER")] if rng.random() < 0.9 else [(self.team(rng), None)]
        if k == "TEAM":
            return [(self.team(rng), None)]
        if k == "FLOC":
            return [(self.foreign_place(rng), "ADDR")]
        if k == "NEXT":
            return [(self.f.pick_top(rng), None)]
        if k == "SURH":
            return self.surh(rng)
        if k == "ADDR":
            return [(p.full_address(rng), "ADDR")]
        if k == "LOC":
            return [(p.place(rng) if rng.random() < 0.85 else p.landmark(rng), "ADDR")]
        if k == "LMK":
            return [(p.landmark(rng), "ADDR")]
        if k == "ORG":
            return [(self.org(rng), None)]
        if k == "TITLE":
            return [(rng.choice(L.TITLE_BEFORE), None)]
        if k == "HON":
            return [(rng.choice(L.HONORIFIC_AFTER), None)]
        if k == "VERB":
            return [(rng.choice(L.VERB_AFTER), None)]
        if k == "PREP":
            return [(rng.choice(L.PREP_BEFORE), None)]
        if k == "FILL":
            return self.fill(rng)
        if k == "NCUE":
            return [(rng.choice(L.NAME_CUES_FORM), None)]
        if k == "ACUE":
            return [(rng.choice(L.ADDR_CUES_FORM), None)]
        if k == "PHONE":
            return [(rng.choice(("13", "15", "18", "17", "19")) + "".join(str(rng.randint(0, 9)) for _ in range(9)), None)]
        if k == "ID":
            code = rng.choice(p.counties)
            return [(code + str(rng.randint(1950, 2010)) + f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}" + f"{rng.randint(0, 999):03d}" + rng.choice("0123456789X"), None)]
        if k == "DATE":
            return [(f"{rng.randint(1950, 2024)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日" if rng.random() < 0.6 else f"{rng.randint(1950, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", None)]
        if k == "YEAR":
            return [(str(rng.randint(1940, 2005)), None)]
        if k == "MONTH":
            return [(str(rng.randint(1, 12)), None)]
        if k == "DAY":
            return [(str(rng.randint(1, 28)), None)]
        if k == "AGE":
            return [(str(rng.randint(18, 80)), None)]
        if k == "NUM":
            return [(str(rng.randint(10, 10 ** rng.randint(2, 12))), None)]
        if k == "NUM1":
            return [(str(rng.randint(1, 9)), None)]
        if k == "IP":
            return [(".".join(str(rng.randint(1, 254)) for _ in range(4)), None)]
        if k == "SEX":
            return [(rng.choice(L.SEX), None)]
        if k == "ETH":
            return [(rng.choice(L.ETHNIC), None)]
        if k == "EDU":
            return [(rng.choice(L.EDU), None)]
        if k == "REL":
            return [(rng.choice(L.REL), None)]
        if k == "DEPT":
            return [(rng.choice(L.DEPT), None)]
        raise KeyError(k)

    def fill(self, rng) -> list[Piece]:
        """Filler text; sometimes with an embedded place or organisation."""
        r = rng.random()
        if r < 0.12:
            return [(self.f.words(rng, 1, 4), None), (self.p.place(rng), "ADDR"), (self.f.words(rng, 1, 5), None)]
        if r < 0.22:
            return [(self.f.words(rng, 1, 4), None), (self.org(rng), None), (self.f.words(rng, 1, 5), None)]
        return [(self.f.words(rng), None)]

    def sample(self, rng, template: str) -> list[Piece]:
        template = template.replace("\\n", "\n").replace("\\t", "\t")
        out: list[Piece] = []
        pos = 0
        prose = "{FILL}" in template or "{NEXT}" in template
        for m in re.finditer(r"\{([A-Z0-9]+)\}", template):
            out.append((template[pos:m.start()], None))
            before = template[max(0, m.start() - 6):m.start()]
            cued = not prose or bool(_CUED.search(before))
            out.extend(self.slot(rng, m.group(1), cued))
            pos = m.end()
        out.append((template[pos:], None))
        return out


# --- hand-written prose templates (train/templates/zh_*.txt) --------------------------------------

_TAG = re.compile(r"\[([PALO]):([^\[\]]+)\]")
_LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z .'\-]*")


def parse_template(line: str) -> list[tuple[str, str | None]]:
    """``[P:张伟]在[L:北京]`` -> [("张伟", "P"), ("在", None), ("北京", "L")]."""
    out: list[tuple[str, str | None]] = []
    pos = 0
    for m in _TAG.finditer(line):
        if m.start() > pos:
            out.append((line[pos:m.start()], None))
        out.append((m.group(2), m.group(1)))
        pos = m.end()
    if pos < len(line):
        out.append((line[pos:], None))
    return out


class Prose:
    """Sentences written for this project in the genres the tagger meets (news of every desk,
    court and police reports, social-media posts, essays and history, local notices), with
    marked names ``[P:]``, addresses ``[A:]``, places ``[L:]`` and organisations ``[O:]``
    (see train/templates/README.md).  Each use keeps a marked value or swaps it for a
    generated one of the same kind, so the contexts are learnt, not the values."""

    KEEP: ClassVar[dict[str, float]] = {"P": 0.45, "A": 0.4, "L": 0.5, "O": 0.6}

    def __init__(self, zh: Chinese, folder: Path, keep_name: float | None = None):
        self.zh = zh
        self.genres: list[list[list[tuple[str, str | None]]]] = []
        for path in sorted(folder.glob("zh_*.txt")):
            lines = [parse_template(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
            if lines:
                self.genres.append(lines)
        self.count = sum(map(len, self.genres))
        self.keep = dict(self.KEEP) if keep_name is None else {**self.KEEP, "P": keep_name}

    def name_like(self, rng, orig: str) -> tuple[str, str | None]:
        n = self.zh.n
        if rng.random() < 0.05:  # the same context with an ordinary word or a club: no proof
            return (rng.choice(self.zh.f.nouns) if rng.random() < 0.6 else self.zh.team(rng)), None
        if _LATIN_NAME.fullmatch(orig):
            return n.english(rng), "PER"
        single, compound = n.surname_sets
        if "·" in orig or "•" in orig:
            return n.foreign(rng), "PER"
        han = orig[:1] in single or orig[:2] in compound
        if len(orig) == 1:
            return n.surname(rng), "PER"
        if not han:
            if len(orig) == 2 and rng.random() < 0.5:
                return n.given(rng) if rng.random() < 0.5 else n.given_char(rng) * 2, "PER"
            return (n.foreign(rng) if rng.random() < 0.75 else n.japanese(rng)), "PER"
        if len(orig) >= 4 and orig[:2] not in compound:
            # four characters opening with a surname character: nearly always a transliteration
            # (马丁内斯); Han names are two or three characters (four with a compound surname)
            return n.foreign(rng) if rng.random() < 0.8 else n.cn_full(rng), "PER"
        return n.cn_full(rng), "PER"

    def fill(self, rng, parsed) -> list[Piece]:
        out: list[Piece] = []
        for text, tag in parsed:
            if tag is None:
                out.append((text, None))
                continue
            keep = rng.random() < self.keep[tag]
            if tag == "P":
                out.append((text, "PER") if keep else self.name_like(rng, text))
            elif tag == "A":
                out.append((text if keep else self.zh.p.full_address(rng), "ADDR"))
            elif tag == "L":
                if keep:
                    out.append((text, "ADDR"))
                else:
                    r = rng.random()
                    v = (self.zh.p.place(rng) if r < 0.6 else self.zh.p.landmark(rng) if r < 0.8
                         else self.zh.foreign_place(rng))
                    out.append((v, "ADDR"))
            else:  # organisation: never labelled
                out.append((text if keep else self.zh.org(rng), None))
        return out

    def sample(self, rng) -> list[Piece]:
        genre = rng.choice(self.genres)
        k = 1 if rng.random() < 0.65 else rng.choice((2, 2, 3))
        out: list[Piece] = []
        for i in range(k):
            if i:
                out.append((rng.choice(("", "", "\n", " ")), None))
            out.extend(self.fill(rng, rng.choice(genre)))
        return out


# --- assembly --------------------------------------------------------------------------------------


def to_record(pieces: list[Piece]) -> dict:
    text, spans = [], []
    pos = 0
    for s, lab in pieces:
        if not s:
            continue
        if lab:
            # trim surrounding whitespace from the span
            lead = len(s) - len(s.lstrip())
            trail = len(s) - len(s.rstrip())
            if len(s.strip()):
                spans.append([pos + lead, pos + len(s) - trail, lab])
        text.append(s)
        pos += len(s)
    return {"text": "".join(text), "spans": spans}


def mixed(rng, zh: Chinese, en: English) -> list[Piece]:
    """Chinese text with English names or addresses."""
    r = rng.random()
    if r < 0.5:
        return [(rng.choice(("请联系", "客户", "联系人：", "我的同事", "外教", "收件人 ")), None),
                (en.name(rng), "PER"), (rng.choice(("，", "处理。", "先生", "，电话", " ")), None),
                *zh.fill(rng)]
    return [(rng.choice(("寄到", "地址：", "Address: ", "美国地址 ")), None), (en.address(rng), "ADDR"),
            (rng.choice(("，谢谢", "。", "")), None)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--zh", type=int, default=130000)
    ap.add_argument("--en", type=int, default=50000)
    ap.add_argument("--mixed", type=int, default=6000)
    ap.add_argument("--prose", type=int, default=200000,
                    help="samples from the hand-written templates in train/templates")
    ap.add_argument("--keep-name", type=float, default=Prose.KEEP["P"],
                    help="share of template names kept as written (the rest are generated)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--templates", type=Path, default=HERE / "templates",
                    help="folder of zh_*.txt prose templates (default: train/templates)")
    ap.add_argument("--jieba-dict", type=Path, default=None)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    names, places = Names(), Places()
    surnames = {s for s in D.cn_surnames() if len(s) == 1}
    filler = Filler(args.jieba_dict, surnames)
    names.word2 = filler.word2
    zh, en = Chinese(names, places, filler), English(names)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with args.out.open("w", encoding="utf-8") as f:
        for _ in range(args.zh):
            t = rng.choice(ZH_TEMPLATES)
            f.write(json.dumps(to_record(zh.sample(rng, t)), ensure_ascii=False) + "\n")
            n += 1
        for i in range(args.en):
            r = rng.random()
            if r < 0.2 and en.samples:
                pieces = rng.choice(en.samples)
            elif r < 0.6 and en.templates:
                pieces = en.fill_presidio(rng, rng.choice(en.templates))
            else:
                pieces = en.fill_own(rng, rng.choice(EN_TEMPLATES))
            f.write(json.dumps(to_record(pieces), ensure_ascii=False) + "\n")
            n += 1
            del i
        prose = Prose(zh, args.templates, args.keep_name)
        for _ in range(args.prose if prose.count else 0):
            f.write(json.dumps(to_record(prose.sample(rng)), ensure_ascii=False) + "\n")
            n += 1
        for _ in range(args.mixed):
            f.write(json.dumps(to_record(mixed(rng, zh, en)), ensure_ascii=False) + "\n")
            n += 1
    print(f"wrote {n} samples to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
