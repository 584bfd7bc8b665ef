"""RGAA 13.1: two minutes before the idle timeout a warning lets the person stay connected."""
from tests.browser.conftest import log_in


def test_idle_warning_appears_and_extends_the_session(page, live_server):
    page.clock.install()
    log_in(page, "agent.fs@passerelle.example")
    page.goto("/compte")
    warning = page.get_by_role("alertdialog")
    assert warning.count() == 0
    page.clock.run_for(28 * 60 * 1000 + 5000)  # 30 min idle timeout, warned 2 minutes before
    assert warning.is_visible()
    assert "Votre session va expirer dans 2 minutes" in warning.inner_text()
    with page.expect_response(lambda r: r.url.endswith("/session/prolonger")) as info:
        page.get_by_role("button", name="Rester connecté(e)").click()
    assert info.value.status == 204
    page.wait_for_timeout(200)
    assert page.get_by_role("alertdialog").count() == 0
