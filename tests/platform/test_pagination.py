"""Offset pagination, with and without a capped count; keyset pagination by id."""
from app.accounts.models import User
from app.common.pagination import keyset, paginate
from tests.factories import OrganisationFactory, UserFactory


def _users(db, count):
    org = OrganisationFactory()
    for _ in range(count):
        UserFactory(organisation=org)
    db.session.commit()
    return db.select(User).where(User.organisation_id == org.id).order_by(User.id)


def test_exact_count_without_cap(app, db):
    query = _users(db, 12)
    with app.test_request_context():
        page = paginate(query, "2", per_page=5)
    assert (page.total, page.pages, page.capped, len(page.items)) == (12, 3, False, 5)
    assert page.has_prev and page.has_next
    assert page.total_text == "12"


def test_capped_count_stops_early_and_says_so(app, db):
    query = _users(db, 30)
    with app.test_request_context():
        first = paginate(query, "1", per_page=5, count_cap=10)
        deep = paginate(query, "5", per_page=5, count_cap=10)
        small = paginate(query, "1", per_page=5, count_cap=100)
    assert first.capped and first.total == 10 and first.has_next
    assert first.total_text == "plus de 10"
    # The window follows the page: page 5 starts at row 20 and counts 10 rows past it (all 30 here).
    assert not deep.capped and deep.total == 30 and deep.pages == 6 and deep.has_next and len(deep.items) == 5
    with app.test_request_context():
        middle = paginate(query, "2", per_page=5, count_cap=10)
    assert middle.capped and middle.total == 15 and middle.total_text == "plus de 15"
    assert not small.capped and small.total == 30 and small.total_text == "30"


def test_last_page_of_a_capped_list_has_no_next(app, db):
    query = _users(db, 12)
    with app.test_request_context():
        last = paginate(query, "3", per_page=5, count_cap=1)
    assert not last.capped and last.total == 12 and len(last.items) == 2 and not last.has_next


def test_page_numbers_stay_within_32_bit_row_bounds(app, db):
    from app.common.pagination import MAX_ROWS, page_number

    assert page_number(None, 25) == page_number("abc", 25) == page_number("-3", 25) == 1
    assert page_number("4", 25) == 4
    huge = page_number("99999999999999", 25, count_cap=1000)
    assert (huge + 1) * 25 + 1000 <= MAX_ROWS
    query = _users(db, 3)
    with app.test_request_context():
        page = paginate(query, "99999999999999", per_page=5)  # no overflow: an empty page past the end
    assert page.items == [] and page.total == 3


def test_keyset_pages_by_id_past_the_last_one_seen_both_ways(app, db):
    query = _users(db, 7)
    ids = [u.id for u in db.session.scalars(query)]
    first, more = keyset(query, User.id, 3)
    assert [u.id for u in first] == ids[:3] and more
    last, more = keyset(query, User.id, 3, after=ids[5])
    assert [u.id for u in last] == ids[6:] and not more
    newest, more = keyset(query, User.id, 4, descending=True)
    assert [u.id for u in newest] == ids[::-1][:4] and more
    oldest, more = keyset(query, User.id, 4, after=newest[-1].id, descending=True)
    assert [u.id for u in oldest] == ids[::-1][4:] and not more


PAGINATION_MACRO = '''{% macro pagination(page, endpoint) -%}
{% if page.pages > 1 %}
<nav role="navigation" class="fr-pagination fr-mt-3w" aria-label="Pagination">
  <ul class="fr-pagination__list">
    <li>{% if page.has_prev %}<a class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label" href="{{ url_for(endpoint, page=page.number - 1, **kwargs) }}">Page précédente</a>{% else %}<a class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label" aria-disabled="true" role="link">Page précédente</a>{% endif %}</li>
    <li><a class="fr-pagination__link" aria-current="page" title="Page {{ page.number }}">{{ page.number }} / {{ page.pages }}{% if page.capped %} et plus{% endif %}</a></li>
    <li>{% if page.has_next %}<a class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" href="{{ url_for(endpoint, page=page.number + 1, **kwargs) }}">Page suivante</a>{% else %}<a class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" aria-disabled="true" role="link">Page suivante</a>{% endif %}</li>
  </ul>
</nav>
{% endif %}
{%- endmacro %}'''


def test_pagination_nav_writes_the_pagination_macro_byte_for_byte(app):
    """pagination_nav (Python) writes what the pagination macro of _macros/forms.html wrote (kept here as the
    reference: every list now calls pagination_nav)."""
    from itertools import product

    from app.common.pagination import Page, pagination_nav

    macro = app.jinja_env.from_string(PAGINATION_MACRO + '{{ pagination(page, "triage.board", **args) }}')
    args_cases = [{}, {"status": "open", "sort": "recent"}, {"q": "a&b <c> \"d\" 'e' é", "label": ""},
                  {"q": "2147483647"}, {"application": "x", "q": "page=2147483647"}]  # the builder's marker
    with app.test_request_context("/"):
        seen_links = 0
        for (total, number, capped, items), args in product(
                [(0, 1, False, 0), (5, 1, False, 5), (12, 1, False, 5), (12, 2, False, 5), (12, 3, False, 2),
                 (15, 3, True, 5), (15, 3, True, 4), (15, 9, True, 0)], args_cases):
            page = Page(list(range(items)), number, 5, total, capped)
            expected = macro.render(page=page, args=args)
            for _ in range(2):  # building the links, then from the URLs kept
                assert str(pagination_nav(page, "triage.board", **args)) == expected
            seen_links += "href=" in expected
        assert seen_links  # the cases wrote links, not only the disabled ones
