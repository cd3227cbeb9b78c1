import unicodedata


def normalize_for_search(text: str) -> str:
    """Lower-case, without accents, single-spaced: "Bègles" and "BEGLES" match
    on SQLite as on PostgreSQL, without a database extension."""
    # Decompose, fold case, decompose again: casefold may yield new
    # compatibility characters, and NFKD new upper-case ones (U+1D54A → "S").
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.replace("-", " ").replace("'", " ").split())
