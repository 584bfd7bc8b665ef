"""option_tags writes a filter's <option> tags as the templates' loop did, byte for byte."""
from jinja2 import Environment

from app.common.forms import option_tags

LOOP = ('{% for value, label in choices %}<option value="{{ value }}"{% if selected == value %} selected{% endif %}>'
        "{{ label }}</option>{% endfor %}")
CHOICES = [("a", "Plain"), ('"><b>', "<script>&'\""), (3, "Three — 3"), ("", "Empty value"), ("é", "Accentué")]


def test_option_tags_match_the_template_loop():
    template = Environment(autoescape=True).from_string(LOOP)
    for selected in [None, "a", '"><b>', 3, "3", "", "é", "missing"]:
        assert str(option_tags(CHOICES, selected)) == template.render(choices=CHOICES, selected=selected)


def test_option_tags_follow_changed_choices():
    assert "New" in option_tags([("a", "New")], "a")
    assert "Plain" in option_tags([("a", "Plain")], "a")
