from django.db import migrations

# The ledger is append-only in the database too: an UPDATE or DELETE of a row is refused,
# whatever code (or admin, or shell) attempts it. TRUNCATE (test teardown) is not affected.
SQL = """
CREATE FUNCTION loyalty_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'loyalty_ledgerentry is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER loyalty_ledger_append_only BEFORE UPDATE OR DELETE ON loyalty_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION loyalty_ledger_append_only();
"""
REVERSE = """
DROP TRIGGER loyalty_ledger_append_only ON loyalty_ledgerentry;
DROP FUNCTION loyalty_ledger_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0002_points_ledger_design")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
