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
