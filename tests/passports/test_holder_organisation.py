"""Each passport entry carries its holder's current organisation, kept by the database's triggers (migration
b5d9e3a7c142): the HR scope reads it instead of joining the users. It must follow the holder whatever writes the
rows: the ORM, a bulk INSERT (seeds, imports), a move, an erasure, a stray UPDATE."""
from app.accounts.services import change_organisation, change_role
from app.extensions import db
from app.passports import scope
from app.passports.models import PassportEntry
from tests.factories import OrganisationFactory, UserFactory
from tests.passports.core_factories import EntryFactory


def _copies(holder):
    """The holder's organisation as each of their entries holds it, read back from the database."""
    db.session.expire_all()
    return set(db.session.scalars(
        db.select(PassportEntry.holder_organisation_id).where(PassportEntry.holder_id == holder.id)))


def test_an_entry_gets_its_holders_organisation_when_written_by_the_orm(app, db):
    holder = UserFactory(role="agent")
    EntryFactory(holder=holder)
    EntryFactory(holder=holder, status="submitted")
    assert _copies(holder) == {holder.organisation_id}
    assert holder.organisation_id is not None


def test_an_entry_inserted_in_bulk_gets_it_too_whatever_it_says(app, db):
    holder, other = UserFactory(role="agent"), OrganisationFactory()
    template = EntryFactory(holder=holder)
    columns = {c.name: getattr(template, c.key) for c in PassportEntry.__table__.columns
               if c.name not in ("id", "holder_organisation_id")}
    # a seed writing rows with Core, one with no value, one with a wrong one
    db.session.execute(db.insert(PassportEntry.__table__), [dict(columns),
                                                            dict(columns, holder_organisation_id=other.id)])
    assert db.session.scalar(db.select(db.func.count()).select_from(PassportEntry)
                             .where(PassportEntry.holder_id == holder.id)) == 3
    assert _copies(holder) == {holder.organisation_id}


def test_a_stray_update_cannot_put_an_entry_in_another_organisation(app, db):
    holder, other = UserFactory(role="agent"), OrganisationFactory()
    entry = EntryFactory(holder=holder)
    db.session.execute(db.update(PassportEntry).where(PassportEntry.id == entry.id)
                       .values(holder_organisation_id=other.id))
    assert _copies(holder) == {holder.organisation_id}


def test_the_entries_follow_their_holder_to_a_new_organisation(app, db):
    holder, stayer, new_org = UserFactory(role="agent"), UserFactory(role="agent"), OrganisationFactory()
    for person in (holder, holder, stayer):
        EntryFactory(holder=person, status="submitted")
    before = stayer.organisation_id
    change_organisation(None, holder, new_org)
    assert _copies(holder) == {new_org.id}
    assert _copies(stayer) == {before}  # nobody else's entries moved


def test_the_entries_leave_every_organisation_with_their_holder(app, db):
    admin, holder = UserFactory(role="admin"), UserFactory(role="agent")
    EntryFactory(holder=holder)
    change_role(admin, holder, "manager_network")  # a network animator belongs to no organisation
    assert _copies(holder) == {None}


def test_the_hr_scope_follows_the_copy(app, db):
    """After a move the old organisation's HR no longer sees the entry, the new one's does (it was submitted
    there): the scope reads the copy, and the copy followed the holder."""
    old_org, new_org = OrganisationFactory(), OrganisationFactory()
    holder = UserFactory(role="agent", organisation=old_org)
    old_hr, new_hr = UserFactory(role="hr", organisation=old_org), UserFactory(role="hr", organisation=new_org)
    entry = EntryFactory(holder=holder, status="submitted", submitted_to_org_id=new_org.id)
    entry_id = entry.id
    assert scope.entry_for_hr(new_hr, entry_id) is None  # not one of new_org's agents yet
    change_organisation(None, holder, new_org)
    assert scope.entry_for_hr(new_hr, entry_id) is not None
    assert scope.entry_for_hr(old_hr, entry_id) is None
