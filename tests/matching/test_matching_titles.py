"""Title cleaning, bigram title similarity and the occupation lookup's nearest-group fallback."""

import numpy as np
import pytest

from matching import defaults
from matching.grams import cosine, encode_title
from matching.occupations import _centroids, code_for_title, nearest_codes


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("深圳天缘烘焙有限公司招聘蛋糕/裱花师", "蛋糕 裱花师"),
        ("新乡西大街急招【人事专员】 五险+包住宿", "人事专员"),
        ("高级销售主管-成都市", "销售主管"),
        ("账单提醒客服（2800＋五险＋不含销售）", "账单提醒客服"),
        ("招聘专员", "招聘专员"),  # a recruiter: nothing before 招聘 is a company
        ("资深招聘专员", "招聘专员"),  # nor a seniority word
        ("短视频编导主管（月薪1w-2w", "短视频编导主管"),  # an unclosed aside
        ("采购助理【早九晚五 双休】", "采购助理"),
        ("法务专员/不加班", "法务专员"),
        ("加油收银月休15天", "加油收银"),
        ("Senior Java Developer - London, £60k", "java developer"),
        ("Sr. Software Engineer (Remote)", "software engineer"),
        ("Registered Nurse in Manchester", "registered nurse"),
        ("五险一金", "五险一金"),  # nothing left after stripping: keep the title
        ("深圳宝安沙井普工", "沙井普工"),  # a run of places glued to the job
        ("上海浦东新区仓管", "仓管"),  # two places the segmenter reads as one word
        ("东莞长安镇普工", "普工"),  # a town named after its county
        ("渠道销售-大连-瓦房店", "渠道销售"),
        ("新干城市经理", "城市经理"),
    ],
)
def test_titles_lose_company_place_salary_and_seniority(raw, clean):
    from matching.titles import clean_title

    assert clean_title(raw) == clean


@pytest.mark.parametrize(
    "title",
    [
        "人力资源专员",  # 资源县
        "商务合作经理",  # 合作市
        "港口装卸工",  # 港口区
        "公安民警",  # 公安县
        "康乐服务员",  # 康乐县, and a CSCO alias
        "三明治制作",  # 三明市: the segmenter reads 三明治
        "普洱茶销售",  # 普洱市
        "市中心销售",  # 市中区
    ],
)
def test_place_names_inside_words_stay(title):
    from matching.titles import clean_title

    assert clean_title(title) == title


def test_noise_does_not_hide_the_occupation():
    assert code_for_title("贝克曼招聘钳工") == code_for_title("钳工") is not None


def test_bigram_similarity_ignores_segmentation():
    a, b, c = (encode_title(t) for t in ("软件测试工程师", "测试工程师", "厨师"))
    ids = np.stack([a[0], a[0]])
    w = np.stack([a[1], a[1]])
    sims = cosine(ids, w, np.stack([b[0], c[0]]), np.stack([b[1], c[1]]))
    assert sims[0] > 0.5 and sims[1] == 0.0
    assert cosine(a[0][None], a[1][None], a[0][None], a[1][None])[0] == pytest.approx(1.0)


def test_a_loose_title_vector_does_not_get_the_detailed_occupation():
    nums, levels, vecs = _centroids()
    detailed = int(np.flatnonzero(levels == 4)[100])
    exact = vecs[detailed]
    # a vector only loosely like the occupation: mixed with noise orthogonal to it
    rng = np.random.default_rng(0)
    noise = rng.standard_normal(exact.shape).astype(np.float32)
    noise -= (noise @ exact) * exact
    noise /= np.linalg.norm(noise)
    floor4 = dict(defaults.OCCUPATION_NEAREST_FLOOR)[4]
    loose = 0.5 * exact + np.sqrt(1 - 0.25) * noise  # cosine 0.5 < the detailed floor
    got = nearest_codes(np.stack([exact, loose, np.zeros_like(exact)]))
    assert got[0] == nums[detailed]
    assert float(loose @ exact) < floor4
    assert got[1] != nums[detailed]
    assert got[2] == 0


def test_a_title_meets_every_name_and_alias_of_the_jobs_occupation():
    from matching.grams import encode_title, occupation_terms_cosine
    from matching.occupations import code_num, occupations

    occ = next(o for o in occupations().values() if len(o.aliases) >= 2)
    code = code_num(occ.code)
    titles = [encode_title(t) for t in (occ.aliases[-1], occ.name, "zzz")]
    ids, w = np.stack([t[0] for t in titles]), np.stack([t[1] for t in titles])
    one_job = occupation_terms_cosine(np.array([code]), ids, w)
    assert one_job[:2] == pytest.approx([1.0, 1.0]) and one_job[2] == 0.0
    # many jobs against one title, and aligned pairs, agree with the one-job pass
    many = occupation_terms_cosine(np.array([code, 0, 99999999]), ids[:1], w[:1])
    assert many == pytest.approx([1.0, 0.0, 0.0])
    aligned = occupation_terms_cosine(np.array([code, code, 0]), ids, w)
    assert aligned == pytest.approx([1.0, 1.0, 0.0])
