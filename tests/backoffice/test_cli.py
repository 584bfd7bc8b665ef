"""flask support groups create / add-member."""
from app.backoffice.groups import group_by_code, members
from tests.backoffice.factories import expert


def test_groups_create_and_add_member(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["support", "groups", "create", "--code", "APPUI-CAF-69", "--name", "CAF du Rhône",
                                 "--operator", "caf", "--departments", "69,01"])
    assert result.exit_code == 0, result.output
    group = group_by_code("APPUI-CAF-69")
    assert group.department_list == ["69", "01"] and not group.is_national
    result = runner.invoke(args=["support", "groups", "create", "--code", "APPUI-CAF-NAT", "--name", "CAF national",
                                 "--operator", "caf", "--national"])
    assert result.exit_code == 0 and group_by_code("APPUI-CAF-NAT").is_national
    user = expert()
    result = runner.invoke(args=["support", "groups", "add-member", "--code", "APPUI-CAF-69", "--email", user.email])
    assert result.exit_code == 0, result.output
    assert [m.id for m in members(group)] == [user.id]


def test_groups_cli_refuses_bad_input_in_french(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["support", "groups", "create", "--code", "X1", "--name", "N", "--operator", "nope",
                                 "--departments", "69"])
    assert result.exit_code == 1 and "Opérateur inconnu" in result.output
    result = runner.invoke(args=["support", "groups", "create", "--code", "X1", "--name", "N", "--operator", "caf"])
    assert result.exit_code == 1 and "départements couverts" in result.output
    cpam_expert = expert(operator="cpam")
    runner.invoke(args=["support", "groups", "create", "--code", "X1", "--name", "N", "--operator", "caf",
                        "--departments", "69"])
    result = runner.invoke(args=["support", "groups", "add-member", "--code", "X1", "--email", cpam_expert.email])
    assert result.exit_code == 1 and "opérateur CAF" in result.output


def test_keys_generate_creates_the_support_data_key(tmp_path):
    from cryptography.fernet import Fernet

    from app.common.keys import generate_keys

    created = generate_keys(str(tmp_path))
    assert "support_data_key" in created
    Fernet((tmp_path / "support_data_key").read_text().encode())  # a valid Fernet key
    assert (tmp_path / "support_data_key").stat().st_mode & 0o077 == 0
    assert "support_data_key" not in generate_keys(str(tmp_path))
