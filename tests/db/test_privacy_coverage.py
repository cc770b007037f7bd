"""No table can hold member data without saying how it is exported and deleted."""

from __future__ import annotations

from bot.db.repositories.privacy import member_tables
from bot.db.tables import metadata

#: Columns that hold a Discord member's id.
MEMBER_ID_COLUMNS = {"user_id", "owner_id", "creator_id", "member_id", "author_id"}


def test_every_table_declares_its_member_data() -> None:
    undeclared = [t.name for t in metadata.sorted_tables if "member" not in t.info]
    assert undeclared == [], f"declare info={{'member': ...}} on: {undeclared}"


def test_every_member_id_column_is_exported_and_deleted() -> None:
    missing = []
    for table in metadata.sorted_tables:
        rule = table.info.get("member")
        covered = set(table.info.get("member_refs", ()))
        if isinstance(rule, str):
            covered.add(rule)
        for column in table.columns:
            if (
                column.name in MEMBER_ID_COLUMNS
                and column.name not in covered
                and not isinstance(rule, tuple)
            ):
                missing.append(f"{table.name}.{column.name}")
    assert missing == [], f"member id columns neither owned nor listed in member_refs: {missing}"


def test_rows_owned_through_a_parent_point_at_a_member_table() -> None:
    for table in metadata.sorted_tables:
        rule = table.info.get("member")
        if isinstance(rule, tuple):
            fk_column, parent = rule
            assert fk_column in table.c, table.name
            assert metadata.tables[parent] in member_tables(), table.name
