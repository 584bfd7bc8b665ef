"""field_once renders what the `field` macro renders, keeps only the fields that hold nothing of the request."""
from werkzeug.datastructures import MultiDict
from wtforms.validators import DataRequired

from app.backoffice.forms import FicheForm, InviteForm, MessageForm, NoteForm, ShareForm
from app.common.forms import BaseForm, pristine_field_key


def _macro(app):
    return app.jinja_env.get_template("_macros/forms.html").module.field


def test_field_once_renders_as_the_field_macro(app):
    assert not app.jinja_env.auto_reload  # the rendered fields are kept, as in production
    field_once = app.jinja_env.globals["field_once"]
    with app.app_context(), app.test_request_context("/"):  # a fresh g: no user left by an earlier test
        macro = _macro(app)
        for form in (MessageForm(), NoteForm(prefix="note"), FicheForm(prefix="fiche"), InviteForm(prefix="invite"),
                     ShareForm(shared=True), ShareForm(shared=False)):
            for field in form:
                if field.type in ("CSRFTokenField", "SelectField"):
                    continue
                for kwargs in ({}, {"type": "email"}):
                    assert field_once(field, **kwargs) == macro(field, **kwargs)
                    assert field_once(field, **kwargs) == macro(field, **kwargs)  # kept, the same


def test_fields_that_hold_the_request_are_not_kept(app):
    with app.app_context(), app.test_request_context("/"):  # a fresh g: no user left by an earlier test
        submitted = MessageForm(formdata=MultiDict({"body": "Bonjour"}))
        assert pristine_field_key(submitted.body, {}) is None
        invalid = MessageForm(formdata=MultiDict({}))
        invalid.validate()
        assert invalid.body.errors and pristine_field_key(invalid.body, {}) is None
        typed = MessageForm(body="Un brouillon")
        assert pristine_field_key(typed.body, {}) is None
        assert pristine_field_key(InviteForm(prefix="invite").group, {}) is None  # a select's choices vary
        blank, other_prefix = MessageForm(), NoteForm(prefix="note")
        assert pristine_field_key(blank.body, {}) != pristine_field_key(other_prefix.body, {})
        assert pristine_field_key(blank.body, {}) != pristine_field_key(blank.body, {"type": "email"})
        assert pristine_field_key(ShareForm(shared=True).shared, {}) != pristine_field_key(
            ShareForm(shared=False).shared, {})


def test_the_same_name_and_label_with_other_validators_is_another_key(app):
    from wtforms import TextAreaField

    class Optional(BaseForm):
        body = TextAreaField("Message")

    class Required(BaseForm):
        body = TextAreaField("Message", validators=[DataRequired()])

    field_once = app.jinja_env.globals["field_once"]
    with app.app_context(), app.test_request_context("/"):  # a fresh g: no user left by an earlier test
        macro = _macro(app)
        optional, required = Optional(), Required()
        assert field_once(optional.body) == macro(optional.body)
        assert field_once(required.body) == macro(required.body) != macro(optional.body)


def test_a_prerendered_select_is_written_in_the_macro_markup_kept(app):
    """A pristine select of PrerenderedChoices: the markup around it kept, the select written for its choices."""
    from app.backoffice.forms import HandoverForm, RerouteForm, group_choices, prerendered_colleague_choices
    from app.backoffice.queries import ColleagueRow, GroupChoiceRow

    field_once = app.jinja_env.globals["field_once"]
    groups = (GroupChoiceRow(1, "SC-A", "Pôle A", False, "69"), GroupChoiceRow(2, "SC-N", "Pôle <N>", True, ""))
    with app.app_context(), app.test_request_context("/"):
        macro = _macro(app)
        for exclude in ({1}, set(), {1, 2}):
            for prefix in ("reroute", "invite"):
                form = (RerouteForm if prefix == "reroute" else InviteForm)(prefix=prefix)
                form.group.choices = group_choices(groups, exclude)
                assert field_once(form.group) == macro(form.group)
        handover = HandoverForm()
        handover.colleague.choices = prerendered_colleague_choices((ColleagueRow(3, "Ana O'Neil"),))
        assert field_once(handover.colleague) == macro(handover.colleague)
        chosen = HandoverForm(formdata=MultiDict({"colleague": "3"}))
        chosen.colleague.choices = prerendered_colleague_choices((ColleagueRow(3, "Ana O'Neil"),))
        chosen.validate()
        assert field_once(chosen.colleague) == macro(chosen.colleague)  # a submitted select: the macro
        refused = HandoverForm(formdata=MultiDict({}))
        refused.colleague.choices = prerendered_colleague_choices(())
        refused.validate()
        assert refused.colleague.errors and field_once(refused.colleague) == macro(refused.colleague)
        typed = MessageForm(formdata=MultiDict({"body": "Bonjour"}))
        assert field_once(typed.body) == macro(typed.body)  # not a select, not pristine: the macro



def test_a_kept_field_is_keyed_once_and_renders_as_the_macro(app, monkeypatch):
    """A pristine_form's fields never change: field_once works out their key once, then reads what it kept; a copy
    of a kept select (its choices this page's) keeps the markup around its options, written for each list."""
    from app.backoffice.forms import HandoverForm, InviteForm, group_choices, prerendered_colleague_choices
    from app.backoffice.queries import GroupChoiceRow
    from app.common import forms
    from app.common.forms import pristine_form

    def refused(*args):
        raise AssertionError("the kept field's key was worked out again")

    field_once = app.jinja_env.globals["field_once"]
    groups = (GroupChoiceRow(1, "SC-A", "Pôle A", False, "69"), GroupChoiceRow(2, "SC-N", "Pôle <N>", True, ""))
    lists = [((3, "Ana O'Neil"), (4, 'Jean "Jo" & <Fils>')), ((5, "Zoé"),), ()]
    with app.app_context(), app.test_request_context("/"):
        macro = _macro(app)
        note, share = pristine_form(NoteForm, "note"), pristine_form(ShareForm, shared=True)
        fields = [(note.body, {}), (note.body, {"type": "email"}), (share.shared, {})]
        expected = [macro(field, **kwargs) for field, kwargs in fields]
        invite = pristine_form(InviteForm, "invite", {"group": group_choices(groups, {1})})
        handovers = [pristine_form(HandoverForm, "", {"colleague": prerendered_colleague_choices(colleagues)})
                     for colleagues in lists]
        selects = [invite.group] + [handover.colleague for handover in handovers]
        expected_selects = [macro(select) for select in selects]
        assert [field_once(field, **kwargs) for field, kwargs in fields] == expected
        assert [field_once(selects[0]), field_once(selects[1])] == expected_selects[:2]  # keyed, kept
        monkeypatch.setattr(forms, "pristine_field_key", refused)  # kept: no key is worked out again
        assert [field_once(field, **kwargs) for field, kwargs in fields] == expected
        for select, html in zip(selects, expected_selects, strict=True):  # other lists: the same markup
            assert field_once(select) == html, select.name
        assert len({select for select in expected_selects[1:]}) == 3
