"""Search terms for Korean and English: character unigrams and bigrams.

PostgreSQL's trigram index cannot find keywords under three characters, and its text-search
parsers do not split Korean into morphemes. Indexing every character and every pair of
neighbouring characters of each word finds one- and two-syllable Korean keywords (용접, 센서)
and any longer word through a GIN index: a query word of n ≥ 2 characters becomes the AND of its
n−1 bigrams, a one-character word its unigram. Pure functions; `search.py` applies them.
"""

import re
import unicodedata

WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS_PER_QUERY = 40


def words(text):
    """Lower-cased, NFKC-normalised words; underscores split words too."""
    text = unicodedata.normalize("NFKC", text or "").lower().replace("_", " ")
    return WORD.findall(text)


def document_terms(*texts):
    """Every unigram and bigram of every word: what a profile is indexed under."""
    terms = set()
    for text in texts:
        for word in words(text):
            terms.update(word)
            terms.update(word[i : i + 2] for i in range(len(word) - 1))
    return sorted(terms)


def query_terms(query):
    """The terms a query needs, all of them (AND). Empty when the query has no word."""
    terms = []
    for word in words(query):
        wanted = [word] if len(word) == 1 else [word[i : i + 2] for i in range(len(word) - 1)]
        for term in wanted:
            if term not in terms:
                terms.append(term)
    return terms[:MAX_TERMS_PER_QUERY]


def tsquery(terms):
    """A tsquery literal (cast with ::tsquery, so no dictionary touches it): 'a' & 'b'."""
    return " & ".join("'" + term.replace("'", "''").replace("\\", "\\\\") + "'" for term in terms)


# Land neighbours among the 17 first-level regions (current codes): "region and neighbouring
# regions" in supplier search. Jeju (50) has none.
NEIGHBOURS = {
    "11": {"41", "28"},
    "26": {"48", "31"},
    "27": {"47", "48"},
    "28": {"11", "41"},
    "29": {"46"},
    "30": {"44", "43", "36"},
    "31": {"26", "47", "48"},
    "36": {"30", "44", "43"},
    "41": {"11", "28", "51", "43", "44"},
    "43": {"41", "51", "47", "52", "44", "30", "36"},
    "44": {"41", "43", "52", "30", "36"},
    "46": {"29", "52", "48"},
    "47": {"51", "43", "52", "48", "27", "31"},
    "48": {"52", "46", "47", "27", "26", "31"},
    "50": set(),
    "51": {"41", "43", "47"},
    "52": {"44", "43", "47", "48", "46"},
}


def with_neighbours(code):
    return {code} | NEIGHBOURS.get(code, set())
