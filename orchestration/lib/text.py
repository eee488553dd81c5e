"""Text folding shared by every reader of what units type."""

import unicodedata


def fold(text: str) -> str:
    """Lower case without diacritics or repeated spaces; đ has no decomposition so it is mapped."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())
