"""The database itself refuses to change or delete audit entries, whatever code asks it to.

The one change it lets through is the one Django makes when a user is deleted: `actor` set to
NULL (on_delete=SET_NULL) with nothing else touched; `actor_email` keeps who it was.

PostgreSQL refuses UPDATE and DELETE. SQLite refuses UPDATE only: Django empties an SQLite
database with DELETE (`flush`, used between transactional tests), and a trigger there has no way
to tell that from any other delete. TRUNCATE, which PostgreSQL's flush uses, fires no row trigger.
A later migration that adds a column to AuditEntry must recreate the SQLite trigger with it.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

MESSAGE = "Nhật ký thay đổi không được sửa hay xóa. / The audit trail cannot be changed or deleted."

POSTGRES_UP = f"""
CREATE FUNCTION audit_entry_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
---
CREATE TRIGGER audit_entry_immutable BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_immutable();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS audit_entry_immutable ON audit_auditentry;
---
DROP FUNCTION IF EXISTS audit_entry_immutable();
"""

# Every column but actor_id, as of this migration.
COLUMNS = [
    "id",
    "object_pk",
    "object_id",
    "object_repr",
    "serialized_data",
    "action",
    "changes_text",
    "changes",
    "cid",
    "remote_addr",
    "remote_port",
    "timestamp",
    "additional_data",
    "actor_email",
    "organisation_id",
    "content_type_id",
]
SQLITE_UP = f"""
CREATE TRIGGER audit_entry_immutable BEFORE UPDATE ON audit_auditentry
WHEN NEW.actor_id IS NOT NULL OR {" OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in COLUMNS)}
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_entry_immutable;"


def _run(schema_editor: BaseDatabaseSchemaEditor, by_vendor: dict[str, str]) -> None:
    for statement in by_vendor.get(schema_editor.connection.vendor, "").split("\n---\n"):
        if statement.strip():
            schema_editor.execute(statement, params=None)


def up(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP})


def down(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN})


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_entry")]

    operations = [migrations.RunPython(up, down)]
