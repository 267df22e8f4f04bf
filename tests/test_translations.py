"""The product speaks Bahasa Indonesia: every text in the code and templates has an Indonesian translation."""

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from complaints.config import PROJECT_ROOT

CATALOG = PROJECT_ROOT / "complaints" / "translations" / "id" / "LC_MESSAGES" / "messages.po"


def source_messages() -> set[str]:
    with (PROJECT_ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None}
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(PROJECT_ROOT), method_map, options_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_text_has_an_indonesian_translation():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="id")
    translated = {m.id for m in catalog if m.id and m.string and "fuzzy" not in m.flags}
    texts = source_messages()
    assert len(texts) > 100, "extraction found too few texts: is babel.cfg still right?"
    missing = sorted(texts - translated)
    assert missing == [], f"run 'make extract-messages' and translate in {CATALOG}: {missing}"


def test_catalog_compiles_without_errors():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="id")
    errors = [(m.id, errs) for m, errs in catalog.check()]
    assert errors == []
