"""Base form: WTForms' built-in messages in French; refilled after a session expiry."""
import functools
from dataclasses import dataclass

from flask import current_app, has_request_context
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.widgets.core import Select
from wtforms.widgets.core import clean_key as _clean_key

_pending_form_source = None  # function() -> saved form pairs for this page, or None (accounts)


def register_pending_form_source(function):
    """Accounts says where a form typed before a session expiry is kept (common imports no domain)."""
    global _pending_form_source
    _pending_form_source = function


class BaseForm(FlaskForm):
    class Meta:
        # With WTF_I18N_ENABLED off, WTForms uses its own bundled French translations.
        locales = ("fr_FR", "fr")

    def __init__(self, *args, **kwargs):
        pending = None
        if has_request_context() and "formdata" not in kwargs and not args and _pending_form_source:
            pending = _pending_form_source()
        if pending:
            kwargs["formdata"] = MultiDict([tuple(pair) for pair in pending])
        super().__init__(*args, **kwargs)

    def hidden_tag(self, *fields):
        """The hidden fields, without the id WTForms gives them: a page with several forms would
        otherwise repeat id="csrf_token" (WCAG 4.1.1). Hidden fields have no label to point at them."""
        fields = [self[f] if isinstance(f, str) else f for f in fields] or [
            f for f in self if getattr(f.widget, "input_type", None) == "hidden"]
        return Markup("\n").join(f(id=False) for f in fields)


def csrf_field(prefix=""):
    """The CSRF input of a form's hidden_tag() (same markup, no id), without building the form: for a page that
    prints a form whose other fields are rendered once per process. Empty when CSRF protection is off, as there.
    `prefix`: the form's, which WTForms puts before the field's name ("note-csrf_token")."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return Markup("")
    name = f"{escape(prefix)}-csrf_token" if prefix else "csrf_token"
    return Markup(f'<input name="{name}" type="hidden" value="{escape(generate_csrf())}">')  # noqa: S704  # nosec B704


class PristineForm:
    """A form shown untouched (pristine_form): its fields are a form kept per process, its hidden_tag() the
    request's CSRF input; `fields` stand for some of its fields on this page (a select whose choices vary)."""

    __slots__ = ("_form", "_prefix", "_fields")

    def __init__(self, form, prefix, fields):
        self._form, self._prefix, self._fields = form, prefix, fields

    def __getattr__(self, name):
        field = self._fields.get(name)
        return field if field is not None else getattr(self._form, name)

    def __getitem__(self, name):
        return self._fields.get(name) or self._form[name]

    def hidden_tag(self):
        """The form's hidden fields: its CSRF input only (pristine_form's forms hold no other hidden field)."""
        return csrf_field(self._prefix)


_pristine_forms = {}  # (form class, prefix, data) -> the form, without CSRF field, filled from nothing
_kept_fields = set()  # the fields of those forms (by identity): never filled or changed once built (field_once)


def pristine_form(form_class, prefix="", choices=None, **data):
    """A form of `form_class` as a GET page shows it untouched (no submitted or saved form, no error, the
    default values or `data`), without building it on every request: its fields are kept per process (the
    `field` macro's output too, field_once), only its CSRF input is the request's. `choices` ({field name:
    choices}) go on copies of those select fields for this page. Only for a form with no hidden field but
    its CSRF token, and when no saved form waits for the page (BaseForm would refill the first form built)."""
    key = (form_class, prefix, tuple(sorted(data.items())))
    form = _pristine_forms.get(key)
    if form is None:
        form = _pristine_forms[key] = form_class(formdata=None, prefix=prefix, meta={"csrf": False}, **data)
        _kept_fields.update(form)
    fields = {}
    for name, values in (choices or {}).items():
        kept = form[name]
        field = fields[name] = object.__new__(type(kept))  # a copy (copy.copy would make an UnboundField)
        field.__dict__.update(vars(kept))
        field.choices = values
        field.pristine_origin = kept  # the kept field it copies, all but its choices (field_once's key)
    return PristineForm(form, prefix, fields)


def pristine_field_key(field, kwargs):
    """What a field's rendering by the `field` macro depends on, when it holds nothing of the request: not
    filled from a submitted (or saved) form, no error, no choices (a select's vary), an empty or yes/no value.
    None otherwise: such a field is rendered every time."""
    data = field.data
    if field.raw_data is not None or field.errors or hasattr(field, "choices") or not (
            data is None or isinstance(data, bool) or (isinstance(data, str) and not data)):
        return None
    return (type(field), type(field.widget), field.id, field.name, field.label.text, field.description, data,
            repr(field.render_kw), repr(sorted(vars(field.flags).items())), repr(sorted(kwargs.items())))


def field_once_renderer(env, template="_macros/forms.html", macro="field"):
    """field_once(field, **kwargs): the `macro` of `template`, its output kept per process for a field that
    holds nothing of the request (pristine_field_key), rendered as the macro renders it otherwise; every time
    when templates reload (debug server). A request page shows a dozen empty fields, the same for everyone."""
    rendered = {}
    by_kept_field = {}  # (a field of a form pristine_form keeps, the arguments) -> its output, when kept
    by_origin = {}  # (the kept select a pristine_form's select copies, the arguments) -> _select_once's parts
    by_origin_select = {}  # the same key -> the output before and after the options of a PrerenderedSelect

    def render(field, kwargs):
        return getattr(env.get_template(template).module, macro)(field, **kwargs)

    def field_once(field, **kwargs):
        if env.auto_reload:
            return render(field, kwargs)
        if field in _kept_fields:  # never changes: whether it is kept, and its key, are worked out once
            key = (field, *sorted(kwargs.items())) if kwargs else field
            html = by_kept_field.get(key)
            if html is None:
                html = _once(field, kwargs)
                if pristine_field_key(field, kwargs) is not None:
                    by_kept_field[key] = html
            return html
        if "pristine_origin" in vars(field):  # a copy of a kept select: a select is never pristine_field_key's
            return _select_once(field, kwargs)
        return _once(field, kwargs)

    def _once(field, kwargs):
        key = pristine_field_key(field, kwargs)
        if key is None:
            return _select_once(field, kwargs)
        html = rendered.get(key)
        if html is None:
            html = rendered[key] = render(field, kwargs)
        return html

    def _select_once(field, kwargs):
        """A pristine select of PrerenderedChoices: the macro's markup around it kept (rendered once with a
        stand-in that notes the arguments the macro passes), the select itself written for these choices."""
        if not isinstance(getattr(field, "choices", None), PrerenderedChoices) or field.data is not None:
            return render(field, kwargs)
        # A pristine_form's copy of a kept select holds the same as it but its choices: its key is the kept one.
        origin = vars(field).get("pristine_origin")
        origin_key = None if origin is None else (origin, *sorted(kwargs.items())) if kwargs else origin
        kept = None if origin_key is None else by_origin.get(origin_key)
        if kept is None:
            key = pristine_field_key(_WithoutChoices(field), kwargs)
            if key is None:
                return render(field, kwargs)
            kept = rendered.get(key)
            if kept is None:
                stand_in = _WithoutChoices(field)
                html = str(render(stand_in, kwargs))
                if html.count(_MARK) != 1:
                    return render(field, kwargs)
                kept = rendered[key] = (*html.split(_MARK), stand_in.called_with)
            if origin_key is not None:
                by_origin[origin_key] = kept
        before, after, widget_kwargs = kept
        if origin_key is not None and field.coerce is str and type(field.widget) is PrerenderedSelect:
            # PrerenderedSelect writes a select with no choice selected as its opening tag (the same for every
            # copy of the kept select), the choices' options as joined once, then </select>: the tag is kept.
            options = field.choices.options_html()
            around = by_origin_select.get(origin_key)
            if around is None:
                select, closing = str(field(**widget_kwargs)), options + "</select>"
                if not select.endswith(closing):
                    return Markup("".join((before, select, after)))  # noqa: S704  # nosec B704 - macro output
                around = by_origin_select[origin_key] = (before + select[:-len(closing)], "</select>" + after)
            return Markup("".join((around[0], options, around[1])))  # noqa: S704  # nosec B704 - macro output
        return Markup("".join((before, field(**widget_kwargs), after)))  # noqa: S704  # nosec B704 - macro output

    return field_once


_MARK = "\x00select\x00"


class _WithoutChoices:
    """A select field as the `field` macro sees it, but for its choices: calling it notes its arguments and
    writes a mark where the select goes (field_once's _select_once)."""

    def __init__(self, field):
        self._field, self.called_with = field, None

    def __getattr__(self, name):
        if name == "choices":
            raise AttributeError(name)
        return getattr(self._field, name)

    def __call__(self, **kwargs):
        self.called_with = kwargs
        return Markup(_MARK)  # noqa: S704  # nosec B704 - a constant


def fast_html_params(**kwargs):
    """WTForms' html_params with the same output, without Markup.format (string.Formatter) per attribute:
    that formatting was most of the cost of rendering a field, and a page's selects render one call per
    <option>. tests/platform/test_fast_html_params.py compares both on tricky values."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = str(escape(_clean_key(key)))
        if value is True:
            params.append(key)
        elif value is not False:
            params.append(f'{key}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(params))  # noqa: S704  # nosec B704 - every key and value escaped above


_wtforms_render_option = None  # WTForms' own Select.render_option, for the options the fast path leaves
_wtforms_dispatch_render_option = None  # WTForms' own Select._dispatch_render_option
_render_option_of = {}  # (select widget class, its render_option) -> the renderer WTForms' dispatch picked


def _dispatch_render_option_once(cls):
    """WTForms' Select._dispatch_render_option, worked out once per widget class and render_option: WTForms
    inspects render_option's signature (inspect.signature) on every select it renders, for an answer that
    depends on them only."""
    key = (cls, getattr(cls.render_option, "__func__", cls.render_option))
    render = _render_option_of.get(key)
    if render is None:
        render = _render_option_of[key] = _wtforms_dispatch_render_option.__func__(cls)
    return render


def fast_render_option(cls, choice, **kwargs):
    """WTForms' Select.render_option with the same output, written directly for the common option (a text
    value, no extra attribute): a select of a few hundred groups or services renders one call per option.
    tests/platform/test_fast_html_params.py compares both."""
    if kwargs or choice.render_kw or not isinstance(choice.value, str):
        return _wtforms_render_option.__func__(cls, choice, **kwargs)
    value = str(escape(choice.value)).replace(chr(34), "&quot;")
    selected = "selected " if choice.selected else ""
    return Markup(f'<option {selected}value="{value}">{escape(choice.label or choice.value)}</option>')  # noqa: S704  # nosec B704 - escaped


def install_fast_html_params():
    """Make every WTForms widget use fast_html_params (module function and the widgets' staticmethods), and
    selects render their common options without building attributes, their option renderer picked once."""
    global _wtforms_render_option, _wtforms_dispatch_render_option
    from wtforms import widgets
    from wtforms.widgets import core

    for owner in (core, widgets):
        owner.html_params = fast_html_params
    for widget in (core.Input, core.Button):
        widget.html_params = staticmethod(fast_html_params)
    if _wtforms_render_option is None:
        _wtforms_render_option = core.Select.__dict__["render_option"]
    core.Select.render_option = classmethod(fast_render_option)
    if _wtforms_dispatch_render_option is None:
        _wtforms_dispatch_render_option = core.Select.__dict__["_dispatch_render_option"]
    core.Select._dispatch_render_option = classmethod(_dispatch_render_option_once)


@dataclass
class PrerenderedChoice(SelectChoice):
    """A SelectChoice that carries its <option> already written, not selected (`html`): for the long selects
    of reference data (a few hundred groups), whose options are the same on every page."""

    html: str = ""


def prerendered_choice(value, label):
    """A PrerenderedChoice of a text value, its option written by the select widget's own render_option."""
    option = Select.render_option(Choice(value=value, label=label, selected=False, render_kw={}))
    return PrerenderedChoice(value, label, html=str(option))


class PrerenderedChoices(list):
    """A select's choices that are all PrerenderedChoice (no group of options, no render_kw): with a `coerce`
    of str, PrerenderedSelect joins their options as written, but the selected one's. Not to be changed once
    built: a list kept per process is shown by many pages, its options joined once (options_html)."""

    def options_html(self):
        """Every option as written (none selected), joined once for this list."""
        html = self.__dict__.get("_options_html")
        if html is None:
            html = self._options_html = "".join([choice.html for choice in self])
        return html


class PrerenderedSelect(Select):
    """WTForms' Select, the same markup, writing a PrerenderedChoice's option from its `html` when it is not
    the selected one: a select of a few hundred prerendered choices costs a join per page, not a few hundred
    renderings. Other choices (and groups of options) render as Select renders them."""

    def __call__(self, field, **kwargs):
        written = isinstance(field.choices, PrerenderedChoices) and field.coerce is str
        choices = field.choices if written else field._choices_from_input(field.choices) or []
        if not written and any(choice.optgroup is not None for choice in choices):  # has_groups(), one pass
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        if self.multiple:
            kwargs["multiple"] = True
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        html = [f"<select {fast_html_params(name=field.name, **kwargs)}>"]
        render = type(self)._dispatch_render_option()
        if written:  # choice.value is a text: coerce (str) leaves it as it is
            data = field.data
            if data is None:  # no choice is selected (their values are texts)
                html += [field.choices.options_html(), "</select>"]
                return Markup("".join(html))  # noqa: S704  # nosec B704 - each option escaped when it was written
            html += [choice.html if choice.value != data else render(Choice(
                value=choice.value, label=choice.label, selected=True, render_kw={})) for choice in choices]
            html.append("</select>")
            return Markup("".join(html))  # noqa: S704  # nosec B704 - each option escaped when it was written
        for choice in choices:
            selected = field.coerce(choice.value) == field.data
            if not selected and isinstance(choice, PrerenderedChoice) and not choice.render_kw:
                html.append(choice.html)
            else:
                html.append(render(Choice(value=choice.value, label=choice.label, selected=selected,
                                          render_kw=choice.render_kw)))
        html.append("</select>")
        return Markup("".join(html))  # noqa: S704  # nosec B704 - each option escaped when it was written


@functools.lru_cache(maxsize=64)
def _option_tags(choices):
    """((value, <option> tag, <option selected> tag), ...) for ((value, label), ...): built once per process
    for each list of choices (a list that changes is another key)."""
    tags = []
    for value, label in choices:
        value_html, label_html = escape(value), escape(label)
        tags.append((value, f'<option value="{value_html}">{label_html}</option>',
                     f'<option value="{value_html}" selected>{label_html}</option>'))
    return tuple(tags)


def option_tags(choices, selected):
    """The <option> tags of a filter's plain select, as the templates wrote them with a loop per request
    (value and label escaped as Jinja does; " selected" on the choice whose value equals `selected`)."""
    return Markup("".join([on if value == selected else off for value, off, on in _option_tags(tuple(choices))]))  # noqa: S704  # nosec B704 - escaped above
