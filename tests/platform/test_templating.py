"""The application's Jinja environment: template globals whose keys compare as a set (cheap macro imports)."""
from app.common.templating import TemplateGlobals


def test_template_globals_keys_are_a_set_of_every_map(app):
    template = app.jinja_env.get_template("_macros/forms.html")
    assert isinstance(template.globals, TemplateGlobals)
    keys = template.globals.keys()
    assert isinstance(keys, set) and keys == set(app.jinja_env.globals) | set(template.globals.maps[0])
    assert {"page_url", "pagination_nav", "url_for"} <= keys


def test_an_imported_macro_still_sees_the_importing_templates_own_globals(app):
    """Jinja makes a fresh module when the importer has globals the imported template lacks: still so."""
    app.jinja_env.globals["zz_later_global"] = "later"  # added after the environment was first used
    try:
        with app.test_request_context("/"):
            importer = app.jinja_env.from_string(
                '{% from "_macros/forms.html" import csrf %}[{{ csrf }}]{{ own }}-{{ zz_later_global }}',
                globals={"own": "mine"})
            out = importer.render()
        assert out.endswith("mine-later") and "Macro" in out
        assert "zz_later_global" in app.jinja_env.get_template("_macros/forms.html").globals.keys()
    finally:
        del app.jinja_env.globals["zz_later_global"]


def test_an_import_reuses_the_kept_module_when_the_importer_adds_no_global(app):
    """The point of the set: Jinja's rule then finds no new global and reuses the imported template's module."""
    with app.test_request_context("/"):
        macros = app.jinja_env.get_template("_macros/forms.html")
        page = app.jinja_env.from_string('{% from "_macros/forms.html" import csrf %}{{ csrf }}')
        assert macros._get_default_module(page.new_context()) is macros.module
        with_own = app.jinja_env.from_string("{{ own }}", globals={"own": "mine"})
        assert macros._get_default_module(with_own.new_context()) is not macros.module  # a module of its own
