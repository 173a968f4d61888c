"""The search terms (pure): character unigrams and bigrams per word, query terms, the tsquery
literal, and the region neighbours used by "nearby"."""

import pytest

from suppliers import search_terms
from suppliers.search_terms import NEIGHBOURS, document_terms, query_terms, tsquery, with_neighbours, words

REGION_CODES = {
    "11", "26", "27", "28", "29", "30", "31", "36", "41", "43", "44", "46", "47", "48", "50", "51", "52",
}  # fmt: skip


def test_document_terms_are_unigrams_and_bigrams_of_each_word():
    assert document_terms("용접기") == ["기", "용", "용접", "접", "접기"]
    # Bigrams never cross a word boundary: "용접 비전" has no "접비".
    assert document_terms("용접 비전") == ["비", "비전", "용", "용접", "전", "접"]
    assert document_terms("용", "MES") == ["e", "es", "m", "me", "s", "용"]
    assert document_terms("", None) == []


def test_words_are_lowercased_nfkc_and_split_on_punctuation_and_underscores():
    assert words("Smart MES·ERP_Cloud") == ["smart", "mes", "erp", "cloud"]
    assert words("ＭＥＳ　Ⅱ") == ["mes", "ii"]  # full-width letters and the Roman numeral fold
    assert words("센서·IoT/데이터") == ["센서", "iot", "데이터"]
    assert document_terms("ＭＥＳ") == document_terms("mes") == document_terms("MES")


def test_query_terms():
    assert query_terms("용") == ["용"]
    assert query_terms("용접") == ["용접"]
    assert query_terms("용접기") == ["용접", "접기"]
    assert query_terms("MES 용접") == ["me", "es", "용접"]
    assert query_terms("용접 용접기") == ["용접", "접기"]  # no term twice
    assert query_terms("  ·!? ") == []
    assert query_terms(None) == []


def test_query_terms_are_capped():
    long_word = "".join(chr(0xAC00 + i) for i in range(60))
    assert len(query_terms(long_word)) == search_terms.MAX_TERMS_PER_QUERY == 40


def test_every_query_term_of_a_text_is_among_its_document_terms():
    text = "대성용접기술 Smart MES 클라우드 설비 예지보전 AI"
    assert set(query_terms(text)) <= set(document_terms(text))
    for word in words(text):
        assert set(query_terms(word)) <= set(document_terms(text))


def test_tsquery_literal_quotes_each_term():
    assert tsquery(["용접", "접기"]) == "'용접' & '접기'"
    assert tsquery(["용"]) == "'용'"
    assert tsquery(["a'b", "c\\d"]) == "'a''b' & 'c\\\\d'"


def test_neighbours_cover_the_17_regions():
    assert set(NEIGHBOURS) == REGION_CODES
    for code, neighbours in NEIGHBOURS.items():
        assert neighbours <= REGION_CODES
        assert code not in neighbours


def test_neighbours_are_symmetric():
    for code, neighbours in NEIGHBOURS.items():
        for other in neighbours:
            assert code in NEIGHBOURS[other], (code, other)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("48", {"48", "26", "27", "31", "46", "47", "52"}),  # 경남
        ("11", {"11", "28", "41"}),  # 서울
        ("36", {"36", "30", "43", "44"}),  # 세종
        ("50", {"50"}),  # 제주: no land neighbour
        ("99", {"99"}),  # unknown code: itself only
    ],
)
def test_with_neighbours(code, expected):
    assert with_neighbours(code) == expected


@pytest.mark.django_db
def test_neighbours_match_the_region_table():
    from organizations.models import Region

    assert set(Region.objects.values_list("code", flat=True)) == set(NEIGHBOURS)
