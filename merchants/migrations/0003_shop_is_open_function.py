from django.db import migrations

# One definition of "open now", used by the discovery filter, the is_open_now flag and the shop
# page. Hours are wall-clock times in the platform's zone, so the caller passes the local date
# and time. A dated exception (holiday closure or special hours) replaces that day's weekly
# hours; a span with closes <= opens runs past midnight into the next day.
CREATE = """
CREATE OR REPLACE FUNCTION shop_is_open(p_shop bigint, p_today date, p_now time)
RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT EXISTS (
        SELECT 1
        FROM (
            SELECT e.date AS day, e.opens, e.closes
            FROM merchants_hoursexception e
            WHERE e.shop_id = p_shop AND e.date IN (p_today, p_today - 1) AND NOT e.is_closed
            UNION ALL
            SELECT d.day, h.opens, h.closes
            FROM (VALUES (p_today), (p_today - 1)) AS d(day)
            JOIN merchants_openinghours h
              ON h.shop_id = p_shop AND h.weekday = extract(isodow FROM d.day)::int - 1
            WHERE NOT EXISTS (
                SELECT 1 FROM merchants_hoursexception x
                WHERE x.shop_id = p_shop AND x.date = d.day
            )
        ) AS span
        WHERE (span.day = p_today AND span.opens <= p_now
               AND (p_now < span.closes OR span.closes <= span.opens))
           OR (span.day = p_today - 1 AND span.closes <= span.opens AND p_now < span.closes)
    )
$$;
"""
DROP = "DROP FUNCTION IF EXISTS shop_is_open(bigint, date, time);"


class Migration(migrations.Migration):
    dependencies = [("merchants", "0002_category_taxonomy")]
    operations = [migrations.RunSQL(CREATE, DROP)]
