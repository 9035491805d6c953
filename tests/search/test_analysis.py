"""The analysis pipeline both backends share."""

from __future__ import annotations

from search import analysis
from search.analysis import Term


def test_normalize_folds_width_script_and_case():
    assert analysis.normalize("ＪＡＶＡ軟體工程師") == "java软件工程师"
    assert analysis.normalize("滑鼠") == "鼠标"


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
        ((Term("java"),),),
    )  # too short for typos
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
