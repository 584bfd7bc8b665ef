"""mdurl's encode and decode tables are full once app.common.markdown is imported (no thread sees a short one)."""
import importlib


def test_mdurl_tables_are_filled_at_import():
    from mdurl import _decode, _encode

    _encode.encode_cache.clear()
    _decode.decode_cache.clear()
    import app.common.markdown as markdown

    importlib.reload(markdown)
    assert _encode.encode_cache and all(len(table) == 128 for table in _encode.encode_cache.values())
    assert _decode.decode_cache and all(len(table) == 128 for table in _decode.decode_cache.values())
    assert 'href="https://exemple.fr/%C3%A9"' in str(markdown.render_markdown("[x](https://exemple.fr/é)"))
