"""pristine_form: a form kept per process renders as the form a GET request builds, CSRF input included."""
from app.backoffice.forms import (
    CloseForm,
    FicheForm,
    HandoverForm,
    InviteForm,
    MessageForm,
    NoteForm,
    RerouteForm,
    ShareForm,
    TransferForm,
    group_choices,
    prerendered_colleague_choices,
)
from app.backoffice.queries import ColleagueRow, GroupChoiceRow
from app.common.forms import pristine_form

FORMS = [(MessageForm, "", {}), (NoteForm, "note", {}), (RerouteForm, "reroute", {}), (InviteForm, "invite", {}),
         (TransferForm, "", {}), (FicheForm, "fiche", {}), (CloseForm, "", {}), (ShareForm, "", {"shared": True}),
         (ShareForm, "", {"shared": False}), (HandoverForm, "", {})]


def _choices(form_class):
    groups = (GroupChoiceRow(1, "SC-A", "Pôle A", False, "69"), GroupChoiceRow(2, "SC-N", "Pôle <N>", True, ""))
    if form_class in (RerouteForm, InviteForm):
        return {"group": group_choices(groups, {1})}
    if form_class is HandoverForm:
        return {"colleague": prerendered_colleague_choices((ColleagueRow(3, "Ana O'Neil"),))}
    return {}


def test_a_pristine_form_renders_as_a_built_one(app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        with app.app_context(), app.test_request_context("/"):
            for form_class, prefix, data in FORMS:
                choices = _choices(form_class)
                built = form_class(prefix=prefix, **data)
                for name, values in choices.items():
                    built[name].choices = values
                for _ in range(2):  # the first time builds the kept form, the second reads it
                    kept = pristine_form(form_class, prefix, choices, **data)
                    assert kept.hidden_tag() == built.hidden_tag()
                    for field in built:
                        if field.type != "CSRFTokenField":
                            assert getattr(kept, field.short_name)() == field()
                            assert kept[field.short_name].label() == field.label()
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_choices_go_on_a_copy_not_on_the_kept_form(app):
    with app.app_context(), app.test_request_context("/"):
        first = pristine_form(HandoverForm, "", _choices(HandoverForm))
        other = pristine_form(HandoverForm, "", {"colleague": prerendered_colleague_choices(())})
        assert len(first.colleague.choices) == 2 and len(other.colleague.choices) == 1
        assert pristine_form(HandoverForm).colleague.choices is None
