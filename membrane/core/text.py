import unicodedata


def normalize_for_search(text: str) -> str:
    """Lower-case, without accents, single-spaced: "Bègles" and "BEGLES" match
    on SQLite as on PostgreSQL, without a database extension."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.replace("-", " ").replace("'", " ").split())
