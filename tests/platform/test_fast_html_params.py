"""The fast html_params installed for every WTForms widget renders exactly what WTForms' own does."""
import importlib

import pytest
from markupsafe import Markup
from wtforms import Form, widgets
from wtforms.fields import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.common.forms import fast_html_params

wtforms_core = importlib.import_module("wtforms.widgets.core")


def _original():
    """WTForms' own html_params, read from its source (the installed module attribute is replaced)."""
    source = importlib.util.find_spec("wtforms.widgets.core")
    module = importlib.util.module_from_spec(source)
    source.loader.exec_module(module)
    return module.html_params


CASES = [
    {},
    {"name": "q", "id": "q", "class_": "fr-input"},
    {"value": 'a "quoted" <b>&amp;</b> \'value\''},
    {"value": Markup('already "safe" <em>markup</em>')},
    {"data_role": "x", "aria_describedby": "a-hint b-error", "for_": "f"},
    {"checked": True, "readonly": False, "disabled": True, "value": ""},
    {"value": 0, "min": 1.5, "size": None},
    {"data-x_y": "z", "title": "Élève « cité »"},
]


@pytest.mark.parametrize("kwargs", CASES)
def test_same_output_as_wtforms(kwargs):
    original = _original()(**kwargs)
    fast = fast_html_params(**kwargs)
    assert fast == original and isinstance(fast, Markup)


class Sample(Form):
    name = StringField("Nom", default='Jo "Le" <b>')
    choice = SelectField("Choix", choices=[SelectChoice("", "Choisir"), SelectChoice("a&b", "A <et> B"),
                                                   SelectChoice("c", "C", render_kw={"data_x": '"q"'}),
                                                   SelectChoice('d"e', ""), SelectChoice("f", Markup("<i>F</i>"))],
                         default="a&b")
    agree = BooleanField("D'accord", default=True)
    text = TextAreaField("Texte", default="x")
    send = SubmitField("Envoyer")


def test_widgets_use_it_and_render_the_same(app):
    assert wtforms_core.html_params is fast_html_params and widgets.html_params is fast_html_params
    form = Sample()
    fast = [str(f(class_="fr-x", aria_invalid="true")) for f in form]
    from app.common import forms as app_forms

    wtforms_core.html_params = widgets.html_params = _original()
    wtforms_core.Input.html_params = wtforms_core.Button.html_params = staticmethod(_original())
    wtforms_core.Select.render_option = app_forms._wtforms_render_option
    try:
        slow = [str(f(class_="fr-x", aria_invalid="true")) for f in Sample()]
    finally:
        from app.common.forms import install_fast_html_params

        install_fast_html_params()
    assert fast == slow
    assert '<option selected value="a&amp;b">A &lt;et&gt; B</option>' in fast[1]
    assert wtforms_core.Select.render_option.__func__ is app_forms.fast_render_option


def test_a_select_picks_its_option_renderer_once(app, monkeypatch):
    """WTForms inspects render_option's signature for every select it renders: done once per widget class."""
    calls, signature = [], wtforms_core.get_signature
    monkeypatch.setattr(wtforms_core, "get_signature", lambda f: calls.append(f) or signature(f))
    form = Sample()
    first = [str(form.choice()) for _ in range(3)]
    assert first[0] == first[1] == first[2] and len(calls) <= 1


def test_a_select_of_prerendered_choices_renders_as_a_select(app):
    from app.common.forms import PrerenderedChoices, PrerenderedSelect, prerendered_choice

    labels = [("", "— Choisissez —"), ("A&B", 'Pôle "A" <et> B (69, 01)'), ("C", "C"), ("D", "Dé")]

    class Plain(Form):
        group = SelectField("Pôle", coerce=str)

    class Fast(Form):
        group = SelectField("Pôle", coerce=str, widget=PrerenderedSelect())

    for data in (None, "A&B", "D", "unknown"):
        plain, fast = Plain(data={"group": data}), Fast(data={"group": data})
        plain.group.choices = [SelectChoice(v, label) for v, label in labels]
        fast.group.choices = [SelectChoice("", "— Choisissez —")] + [prerendered_choice(v, label)
                                                                       for v, label in labels[1:]]
        rendered = str(fast.group(class_="fr-select", required=True))
        assert rendered == str(plain.group(class_="fr-select", required=True))
        assert ('<option selected value="A&amp;B">' in rendered) == (data == "A&B")
        # All of them written (PrerenderedChoices): the options are joined, the selected one written again.
        fast.group.choices = PrerenderedChoices([prerendered_choice(v, label) for v, label in labels])
        assert str(fast.group(class_="fr-select", required=True)) == rendered
