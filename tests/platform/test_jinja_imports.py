"""ImportingTemplate (app.common.jinja): imports answer as Jinja's, the kept module reused, for less work."""
from jinja2 import DictLoader, Environment, Template

from app.common.jinja import ImportingTemplate, install_importing_template

TEMPLATES = {
    "macros.html": "{% macro hello(name) %}Bonjour {{ name }}{{ extra|default('') }}{% endmacro %}",
    "page.html": '{% from "macros.html" import hello %}{{ hello("Ana") }}',
}


def _env(template_class):
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=True)
    env.globals["site"] = "Passerelle"
    env.template_class = template_class
    return env


def test_imports_render_as_jinja_s_with_or_without_the_importer_s_own_globals():
    for globals_ in (None, {"extra": " !"}):
        jinja, ours = _env(Template), _env(ImportingTemplate)
        install_importing_template(ours)
        expected = jinja.get_template("page.html", globals=globals_).render()
        assert ours.get_template("page.html", globals=globals_).render() == expected
        assert expected == ("Bonjour Ana !" if globals_ else "Bonjour Ana")
        assert type(ours.get_template("page.html")) is ImportingTemplate


def test_an_import_reuses_the_kept_module_when_the_importer_adds_no_global():
    env = _env(ImportingTemplate)
    macros = env.get_template("macros.html")
    page = env.get_template("page.html")
    context = page.new_context()
    assert macros._get_default_module(context) is macros._get_default_module() is macros.module
    with_extra = env.get_template("page.html", globals={"extra": "!"}).new_context()
    assert macros._get_default_module(with_extra) is not macros.module  # Jinja's rule: a module of its own


def test_the_application_s_templates_are_importing_templates(app):
    assert app.jinja_env.template_class is ImportingTemplate
    assert type(app.jinja_env.get_template("backoffice/detail.html")) is ImportingTemplate
