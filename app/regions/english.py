"""Place names as an English reader writes them, derived from the Chinese names of the tree:
北京市 → Beijing, 海淀区 → Haidian District, 石林彝族自治县 → Shilin Yi Autonomous County,
多福巷社区居委会 → Duofuxiang Community. The stem is spelled in pinyin (syllables run together,
an apostrophe before a syllable opening with a vowel: Xi'an), the kind of division in English;
a name with no kind in it, word by word (百步亭花园 → Baibuting Huayuan).

Nothing is stored: the tree has 665k names but a page shows a handful, each romanised once per
process (pypinyin costs ~0.2 ms a name, a kept name nothing). No Flask here."""

from __future__ import annotations

import functools
import re
import unicodedata

PROVINCES = {
    "北京市": "Beijing",
    "天津市": "Tianjin",
    "上海市": "Shanghai",
    "重庆市": "Chongqing",
    "内蒙古自治区": "Inner Mongolia Autonomous Region",
    "广西壮族自治区": "Guangxi Zhuang Autonomous Region",
    "西藏自治区": "Xizang Autonomous Region",
    "宁夏回族自治区": "Ningxia Hui Autonomous Region",
    "新疆维吾尔自治区": "Xinjiang Uygur Autonomous Region",
    "陕西省": "Shaanxi Province",  # plain pinyin would make it Shanxi (山西省)
    "香港特别行政区": "Hong Kong Special Administrative Region",
    "澳门特别行政区": "Macao Special Administrative Region",
    "台湾省": "Taiwan Province",
}
"""Names English has its own spelling for, or that pinyin alone would confuse."""

PLACEHOLDERS = {
    "市辖区": "City districts",
    "县": "Counties",
    "省直辖县级行政区划": "County-level divisions under the province",
    "自治区直辖县级行政区划": "County-level divisions under the region",
}
"""The statistical placeholders of the tree (app/regions/queries.py), by what they hold."""

KINDS = (
    ("社区居民委员会", "Community"),
    ("社区居委会", "Community"),
    ("村民委员会", "Village"),
    ("村委会", "Village"),
    ("居民委员会", "Neighbourhood"),
    ("居委会", "Neighbourhood"),
    ("虚拟社区", "Virtual Community"),
    ("社区", "Community"),
    ("生活区", "Residential Area"),
    ("嘎查", "Gacha"),
    ("村", "Village"),
    ("街道办事处", "Subdistrict"),
    ("街道", "Subdistrict"),
    ("民族乡", "Ethnic Township"),
    ("乡", "Township"),
    ("镇", "Town"),
    ("苏木", "Sumu"),
    ("经济技术开发区", "Economic and Technological Development Zone"),
    ("高新技术产业开发区", "High-tech Industrial Development Zone"),
    ("高新技术开发区", "High-tech Development Zone"),
    ("新技术开发区", "New Technology Development Zone"),
    ("经济开发区", "Economic Development Zone"),
    ("开发区", "Development Zone"),
    ("工业园区", "Industrial Park"),
    ("产业园区", "Industrial Park"),
    ("工业园", "Industrial Park"),
    ("产业园", "Industrial Park"),
    ("园区", "Park"),
    ("示范区", "Demonstration Zone"),
    ("管理区", "Administrative Area"),
    ("综合保税区", "Comprehensive Bonded Zone"),
    ("保税区", "Bonded Zone"),
    ("经济区", "Economic Zone"),
    ("旅游度假区", "Tourist Resort"),
    ("度假区", "Resort"),
    ("风景名胜区", "Scenic Area"),
    ("风景区", "Scenic Area"),
    ("高新区", "High-tech Zone"),
    ("新区", "New Area"),
    # state farms, forest farms and the offices that govern places of their own
    ("农牧场", "Farm"),
    ("良种场", "Seed Farm"),
    ("原种场", "Seed Farm"),
    ("种畜场", "Breeding Farm"),
    ("垦殖场", "Reclamation Farm"),
    ("林场", "Forest Farm"),
    ("农场", "Farm"),
    ("牧场", "Ranch"),
    ("林业局", "Forestry Bureau"),
    ("管理局", "Administration"),
    ("管理处", "Administration Office"),
    ("办事处", "Office"),
    ("管委会", "Administrative Committee"),
    ("委员会", "Committee"),
    ("服务中心", "Service Centre"),
    ("林区", "Forestry District"),
    ("特区", "Special District"),
    ("自治区", "Autonomous Region"),
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("地区", "Prefecture"),
    ("区", "District"),
    ("县", "County"),
    ("旗", "Banner"),
    ("盟", "League"),
    ("省", "Province"),
    ("市", ""),  # a city goes by its name alone: 武汉市 → Wuhan
)
"""Kinds of division by the ending of the name, longer endings first."""

SHORTEST_STEM = {"林区": 3, "园区": 3, "新区": 2, "农场": 2, "林场": 2, "牧场": 2}
"""Endings that are a kind only after a stem this long; shorter, the name itself ends so and
the kind is 区: 碑林区 Beilin District, 下花园区 Xiahuayuan District, 清新区 Qingxin District
(but 神农架林区 Shennongjia Forestry District, 沈北新区 Shenbei New Area)."""

PEOPLES = {
    "维吾尔": "Uygur", "哈萨克": "Kazakh", "柯尔克孜": "Kirgiz", "塔吉克": "Tajik", "蒙古": "Mongol",
    "朝鲜": "Korean", "满": "Manchu", "回": "Hui", "藏": "Tibetan", "彝": "Yi", "苗": "Miao",
    "壮": "Zhuang", "布依": "Bouyei", "侗": "Dong", "瑶": "Yao", "白": "Bai", "土家": "Tujia",
    "哈尼": "Hani", "傣": "Dai", "黎": "Li", "傈僳": "Lisu", "佤": "Va", "畲": "She",
    "拉祜": "Lahu", "水": "Shui", "东乡": "Dongxiang", "纳西": "Naxi", "景颇": "Jingpo",
    "土": "Tu", "达斡尔": "Daur", "仫佬": "Mulao", "羌": "Qiang", "布朗": "Blang",
    "撒拉": "Salar", "毛南": "Maonan", "仡佬": "Gelao", "锡伯": "Xibe", "阿昌": "Achang",
    "普米": "Pumi", "怒": "Nu", "鄂温克": "Ewenki", "德昂": "De'ang", "保安": "Bonan",
    "裕固": "Yugur", "京": "Gin", "独龙": "Derung", "鄂伦春": "Oroqen", "赫哲": "Hezhen",
    "门巴": "Monba", "珞巴": "Lhoba", "基诺": "Jino", "各": "Multi-ethnic",
}  # fmt: skip
"""China's peoples as their autonomous areas are named in English (石林彝族 → Shilin Yi)."""

_PEOPLE_NAMES = "|".join(sorted(PEOPLES, key=len, reverse=True))
_PEOPLE = re.compile(f"({_PEOPLE_NAMES})族")
_PEOPLE_LAST = re.compile(f"({_PEOPLE_NAMES})族?$")
"""An autonomous area may name its people without 族, last: 巴音郭楞蒙古自治州."""


def without_peoples(stem: str) -> str:
    """An autonomous area's stem without the peoples it names, as its place is said:
    恩施土家族苗族 → 恩施, 巴音郭楞蒙古 → 巴音郭楞; STEM itself when nothing would be left."""
    rest = stem
    while (people := _PEOPLE_LAST.search(rest)) and people.start() > 0:
        rest = rest[: people.start()]
    return rest


_EXONYM_STEMS = {
    "乌鲁木齐": ("Urumqi", "市", "县"), "克拉玛依": ("Karamay", "市", "区"), "吐鲁番": ("Turpan", "市"),
    "喀什": ("Kashgar", "地区", "市"), "和田": ("Hotan", "地区", "市", "县"), "阿克苏": ("Aksu", "地区", "市"),
    "阿勒泰": ("Altay", "地区", "市"), "伊犁": ("Ili", "哈萨克自治州"),
    "博尔塔拉": ("Bortala", "蒙古自治州"), "巴音郭楞": ("Bayingolin", "蒙古自治州"),
    "克孜勒苏": ("Kizilsu", "柯尔克孜自治州"), "呼和浩特": ("Hohhot", "市"),
    "鄂尔多斯": ("Ordos", "市"), "呼伦贝尔": ("Hulunbuir", "市"), "锡林郭勒": ("Xilingol", "盟"),
    "乌兰察布": ("Ulanqab", "市"), "巴彦淖尔": ("Bayannur", "市"), "阿拉善": ("Alxa", "盟"),
    "兴安": ("Hinggan", "盟"), "拉萨": ("Lhasa", "市"), "日喀则": ("Xigaze", "市", "地区"),
    "昌都": ("Qamdo", "市", "地区"), "林芝": ("Nyingchi", "市", "地区"), "那曲": ("Nagqu", "市", "地区", "县"),
    "阿里": ("Ngari", "地区"), "香格里拉": ("Shangri-La", "市"), "果洛": ("Golog", "藏族自治州"),
    "甘孜": ("Garze", "藏族自治州", "县"),
}  # fmt: skip
EXONYMS = {
    stem + kind: english for stem, (english, *kinds) in _EXONYM_STEMS.items() for kind in kinds
}
"""Places whose English name is not the Mandarin pinyin of their Chinese name, by full name
(兴安县 in Guangxi stays Xing'an County): the standard romanisation of a Uygur, Mongolian or
Tibetan name (乌鲁木齐市 Urumqi, not Wulumuqi), or the established one (香格里拉市
Shangri-La). Search accepts either spelling (app/regions/queries.py)."""
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def english_name(name: str, exonyms: bool = True) -> str:
    """NAME (one division's Chinese name) in English; NAME itself when it is not Chinese.
    Without EXONYMS, in pinyin throughout (乌鲁木齐市 → Wulumuqi): how else it may be typed."""
    if not name or not _HAN.search(name):
        return name
    return _english_name(name, exonyms)


@functools.lru_cache(maxsize=50_000)
def _english_name(name: str, exonyms: bool) -> str:
    if "·" in name:  # two names in one: 华润·凌江社区居民委员会
        return " · ".join(_english_name(part, exonyms) for part in name.split("·") if part)
    if name in PROVINCES:
        return PROVINCES[name]
    if name in PLACEHOLDERS:
        return PLACEHOLDERS[name]
    for ending, kind in KINDS:
        stem = name[: -len(ending)]
        if name.endswith(ending) and len(stem) >= SHORTEST_STEM.get(ending, 1):
            exonym = EXONYMS.get(name) if exonyms else None
            words = _stem(stem, kind.startswith("Autonomous"), exonym)
            return " ".join(part for part in (words, kind) if part)
    return _word_by_word(name)


def _word_by_word(name: str) -> str:
    """A name with no kind of division in it: ~590 special units of township level (百步亭花园,
    深州监狱, 中关村科技园区密云园). Each word the segmenter finds is spelled apart (Baibuting
    Huayuan), as one run of syllables they would not read as words; full-width brackets
    become English ones."""
    from search.analysis import words_with_offsets  # the segmenter, with the app's words

    text = unicodedata.normalize("NFKC", name)
    out, done = [], 0
    for word, start, end in words_with_offsets(text):
        out += [text[done:start], f" {_stem(word)} "]
        done = end
    spelled = " ".join("".join([*out, text[done:]]).split())
    return re.sub(r"\( ", "(", re.sub(r" \)", ")", spelled))


def _stem(stem: str, autonomous: bool = False, exonym: str | None = None) -> str:
    """A name without its kind: pinyin (the EXONYM instead, if it has one), with the peoples
    in it named in English."""
    words = []
    pieces = _PEOPLE.split(stem)
    if autonomous and (last := _PEOPLE_LAST.search(pieces[-1])) and last.start():
        pieces[-1:] = [pieces[-1][: last.start()], last.group(1), ""]
    for i, piece in enumerate(pieces):
        if i % 2:
            words.append(PEOPLES[piece])
        elif piece:
            words.append(exonym or romanise(piece))
            exonym = None
    return " ".join(words)


def pinyin_spellings() -> dict[str, str]:
    """Each EXONYM as typed in lower-case letters only ("shangrila") → its pinyin ("xianggelila")."""
    return _pinyin_spellings()


@functools.cache
def _pinyin_spellings() -> dict[str, str]:
    plain = lambda text: re.sub(r"[^a-z]", "", text.lower())  # noqa: E731
    return {plain(english): plain(romanise(stem)) for stem, (english, *_) in _EXONYM_STEMS.items()}


PLACE_READINGS = {
    "都": "du",  # 成都, 三都, 都匀: never dou in a place
    "长": "chang",  # 长治, 天长, 长宁 (but 长子: PLACE_WORDS)
    "乐": "le",  # 南乐, 民乐 (but 乐清, 乐亭: PLACE_WORDS)
    "勒": "le",  # 库尔勒, 阿勒泰, 锡林郭勒
    "什": "shi",  # 阿图什, 什邡
    "单": "shan",  # 单县, and the surname in village names
    "蔚": "yu",  # 蔚县
    "涡": "guo",  # 涡阳
    "覃": "qin",  # 覃塘
    "蚌": "beng",  # 蚌埠, 蚌山
    "朝": "chao",  # 朝阳
    "柏": "bai",  # 万柏林, 柏乡 (pypinyin's 柏林 is Berlin, bolin)
}
"""Characters whose reading in place names differs from pypinyin's everyday choice."""

PLACE_WORDS = {
    "长子": ("zhang", "zi"),
    "乐清": ("yue", "qing"),
    "乐亭": ("lao", "ting"),
    "六合": ("lu", "he"),
    "六安": ("lu", "an"),
    "洪洞": ("hong", "tong"),
}
"""Places read otherwise than PLACE_READINGS and pypinyin together would read them."""

_PLACE_WORD = re.compile("|".join(PLACE_WORDS))
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def place_pinyin(text: str, *, v_to_u: bool = False) -> list[str]:
    """The pinyin of TEXT read as a place name: pypinyin's, corrected by PLACE_WORDS and
    PLACE_READINGS (三都 → san du, not san dou). Other text is kept as pypinyin keeps it."""
    from pypinyin import lazy_pinyin

    out: list[str] = []
    done = 0
    for run in _HAN_RUN.finditer(text):
        if run.start() > done:
            out += lazy_pinyin(text[done : run.start()], v_to_u=v_to_u)
        out += _han_run_pinyin(run.group(), lazy_pinyin(run.group(), v_to_u=v_to_u))
        done = run.end()
    if done < len(text):
        out += lazy_pinyin(text[done:], v_to_u=v_to_u)
    return out


def _han_run_pinyin(run: str, syllables: list[str]) -> list[str]:
    if len(syllables) != len(run):  # a character pypinyin does not know: leave it be
        return syllables
    read = [
        PLACE_READINGS.get(char, syllable) for char, syllable in zip(run, syllables, strict=True)
    ]
    for word in _PLACE_WORD.finditer(run):
        read[word.start() : word.end()] = PLACE_WORDS[word.group()]
    return read


def romanise(text: str) -> str:
    """Han characters in pinyin as one capitalised word (西安 → Xi'an); other text as it is."""
    out = ""
    for syllable in place_pinyin(text, v_to_u=True):
        if out and syllable[:1] in "aeo" and out[-1:].isalpha():
            out += "'"
        out += syllable
    return out[:1].upper() + out[1:]


@functools.lru_cache(maxsize=20_000)
def english_full_name(full_name: str) -> str:
    """A full name ("北京市 海淀区", province first, as app/regions/queries.full_names writes it)
    in English, smallest place first as English addresses go: "Haidian District, Beijing"."""
    return ", ".join(english_name(part) for part in reversed(full_name.split(" ")) if part)
