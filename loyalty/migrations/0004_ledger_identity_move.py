from django.db import migrations

# The ledger stays append-only, with one exception: account deletion (privacy) moves the rows a
# deleted consumer wrote (`created_by`) to the anonymous account that keeps their money
# records. It sets `o2o.identity_move` for its transaction only, and nothing but
# created_by_id may change.
SQL = """
CREATE OR REPLACE FUNCTION loyalty_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('o2o.identity_move', true) = 'on'
       AND (to_jsonb(NEW) - 'created_by_id') = (to_jsonb(OLD) - 'created_by_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'loyalty_ledgerentry is append-only (% refused)', TG_OP;
END $$;
"""
REVERSE = """
CREATE OR REPLACE FUNCTION loyalty_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'loyalty_ledgerentry is append-only (% refused)', TG_OP;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0003_ledger_append_only")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
