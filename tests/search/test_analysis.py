"""The analysis pipeline both backends share."""

from __future__ import annotations

import pytest

from search import analysis
from search.analysis import Term


def test_normalize_folds_width_script_and_case():
    assert analysis.normalize("ＪＡＶＡ軟體工程師") == "java软件工程师"
    assert analysis.normalize("無線滑鼠") == "无线鼠标"  # Taiwan words become mainland ones


@pytest.mark.parametrize(
    "text",
    ["程序员", "程序设计", "文件", "软件工程师", "建立客户关系", "公司核心系统", "乾隆年间"],
)
def test_simplified_text_is_kept_as_it_is(text):
    """OpenCC's Taiwan phrase table maps words written alike in both scripts (程序 → 进程,
    文件 → 文档, 核心 → 内核): simplified text never goes through it."""
    assert analysis.normalize(text) == text
    assert "".join(analysis.query_tokens(text)) == text


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("軟體工程師", "软件工程师"),
        ("程式設計師", "程序员"),  # OpenCC's mainland word for it
        ("檔案", "文件"),
        ("資料庫管理員", "数据库管理员"),
        ("後台管理系統", "后台管理系统"),
    ],
)
def test_traditional_text_becomes_the_mainland_words(traditional, simplified):
    assert analysis.normalize(traditional) == simplified


def test_one_traditional_word_does_not_convert_the_simplified_words_around_it():
    mixed = "我们需要一名軟體工程師负责程序设计，建立文件 檔案"
    assert analysis.normalize(mixed) == "我们需要一名软件工程师负责程序设计,建立文件 文件"


def test_synonym_groups_hold_the_words_as_written():
    table = analysis.synonym_table()
    group = set(table[("程序员",)])
    assert {("程序员",), ("软件工程师",), ("软件开发工程师",), ("开发工程师",)} <= group
    assert ("进程员",) not in table
    (clause,) = analysis.analyze_query("程式設計師")  # the Taiwan word, through the group
    assert {("软件工程师",), ("程序员",)} <= {tuple(t.text for t in alt) for alt in clause}


def test_tokens_keep_programming_names_whole():
    toks = analysis.tokens("精通C++、C#和Node.js，熟悉Spring Boot services")
    for t in ("c++", "c#", "node.js", "spring", "boot", "service"):
        assert t in toks
    assert "的" not in analysis.tokens("开发的工程师")


def test_index_segmentation_has_sub_words():
    toks = analysis.tokens("软件工程师")
    assert {"软件", "工程师", "软件工程师"} <= set(toks)


def test_stemmer_is_minimal():
    assert [
        analysis.stem(w) for w in ["skills", "companies", "services", "ios", "class", "js"]
    ] == ["skill", "company", "service", "ios", "class", "js"]


def test_synonyms_and_typos_in_query_analysis():
    (clause,) = analysis.analyze_query("司機")
    alts = {" ".join(t.text for t in alt) for alt in clause}
    assert {"司机", "驾驶员", "driver"} <= alts
    (clause,) = analysis.analyze_query("pyhton")
    assert (Term("pyhton", 1),) in clause
    assert analysis.analyze_query("java", typos=True) == (
        ((Term("java"),), (Term("java", via=analysis.GRAMS),)),
    )  # too short for typos, not pinyin; a prefix in the grams field (JavaScript)
    assert analysis.fuzzy_distance("elasticsaerch") == 2


def test_edit_distance_counts_transposition_once():
    assert analysis.edit_distance("pyhton", "python") == 1
    assert analysis.edit_distance("kubernetes", "kubernets") == 1
    assert analysis.edit_distance("java", "rust", 2) == 3


def test_highlight_marks_original_text_and_escapes():
    exact = {"软件工程师"}
    assert analysis.highlight("資深軟體工程師<b>", exact) == "資深<mark>軟體工程師</mark>&lt;b&gt;"
    assert analysis.highlight("nothing here", exact) is None
    long = "前言" * 100 + "软件工程师" + "结尾" * 100
    snip = analysis.highlight(long, exact, snippet=40)
    assert snip.startswith("…") and snip.endswith("…") and "<mark>软件工程师</mark>" in snip


def test_suggest_keys_cover_pinyin_and_initials():
    keys = analysis.suggest_keys("顺丰速运")
    assert {"顺丰速运", "shunfengsuyun", "sfsy"} <= keys
    assert analysis.prefix_key("順豐 ") == "顺丰"


def test_recall_pieces_are_no_coarser_than_the_words_people_name():
    assert analysis.recall_pieces("软件工程师") == ("软件", "工程", "师")
    assert analysis.recall_pieces("理货员") == ("理货", "员")
    # A worker named by what they work with is looked up as that (叉车工 finds 叉车司机);
    # one character before 工 is too little to stand alone.
    assert analysis.recall_pieces("维修工") == ("维修",)
    assert analysis.recall_pieces("叉车工") == ("叉车",)
    assert analysis.recall_pieces("电工") == ("电工",)
    assert analysis.recall_pieces("收银员") == ("收银", "员")
    assert analysis.recall_pieces("会计") == ("会计",)


def test_a_worker_the_segmenter_cuts_in_two_is_one_clause_of_the_query():
    def read(text):
        return [
            [tuple((t.text, t.via) for t in alt) for alt in clause]
            for clause in analysis.analyze_query(text, typos=False)
        ]

    words, grams = analysis.WORDS, analysis.GRAMS
    # 钢筋 工: both words as written, or the trade alone for recall; 工 is not required.
    assert read("钢筋工")[0][:2] == [(("钢筋", words), ("工", words)), (("钢筋", grams),)]
    assert len(read("注塑工 武汉")) == 2
    # 普通 is no trade: 普通工 keeps 工 as a word of its own.
    assert [clause[0] for clause in read("普通工")] == [(("普通", words),), (("工", words),)]
    assert analysis.tokens("钢筋工") == ["钢筋", "工"]  # the index keeps its words


def test_recall_fields_hold_grams_and_pinyin():
    assert analysis.gram_text(["软件测试", "Java"]).split() == [
        *"软件测试",
        "软件",
        "件测",
        "测试",
        "ja",
        "jav",
        "java",
    ]
    assert {"kuaiji", "zhuli"} <= set(analysis.pinyin_text("會計助理").split())


def test_every_word_also_looks_up_its_recall_form():
    (clause,) = analysis.analyze_query("理货员")
    assert clause == (
        (Term("理货员"),),
        (Term("理货", via=analysis.GRAMS), Term("员", via=analysis.GRAMS)),
    )
    (clause,) = analysis.analyze_query("kuaiji")
    assert (Term("kuaiji", via=analysis.PINYIN),) in clause
    assert analysis.analyze_query("理货员", recall=False) == (((Term("理货员"),),),)
    assert not analysis.is_pinyin("java") and analysis.is_pinyin("gongchengshi")


def test_synonyms_weigh_less_than_what_was_typed_and_survive_typos():
    (clause,) = analysis.analyze_query("司机")
    weights = {alt[0].text: alt[0].weight for alt in clause if alt[0].via == analysis.WORDS}
    assert weights["司机"] == 1.0 and weights["驾驶员"] < 1.0
    (clause,) = analysis.analyze_query("acountant")  # accountant, misspelt
    assert any(alt[0].text == "会计" for alt in clause)


def test_match_only_drops_alternatives_another_one_already_matches():
    words = (Term("软件工程师"),)
    grams = tuple(Term(p, via="grams") for p in ("软件", "工程", "师"))
    synonym_grams = tuple(Term(p, via="grams", weight=0.5) for p in ("软件", "开发", "工程", "师"))
    latin = (Term("java"),)
    kept, covered = analysis.match_only((words, synonym_grams, grams, latin))
    # whatever holds 软件 开发 工程 师 holds 软件 工程 师: the synonym's grams add no match
    assert kept == (words, grams, latin)
    # a title holding 软件工程师 holds its grams: the word needs no title/skills lookup
    assert covered == {words[0]}


def test_match_only_keeps_what_it_cannot_prove():
    typo = ((Term("kuaiji"),), (Term("kuaiji", 1),), (Term("kuaiji", via="pinyin"),))
    assert analysis.match_only(typo) == (typo, frozenset())
    # Latin words are stemmed in the word fields but not in the grams: not covered
    kept, covered = analysis.match_only(((Term("services"),), (Term("services", via="grams"),)))
    assert len(kept) == 2 and not covered
    # grams of another word do not cover this one
    other = ((Term("会计"),), (Term("财务", via="grams"),))
    assert analysis.match_only(other) == (other, frozenset())
