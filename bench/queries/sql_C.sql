-- C's floor: the 101 rows after the given id (one more to know whether a next page exists).
-- $1 partner id, $2 the cycles (text[]), $3 the id the page starts after
SELECT id, bill_cycle, day, kind, service_type, region, billing_mode, usage, unit, unit_price,
       list_amount, cash_paid, credit_paid, amount_due
FROM consumption_details
WHERE partner_id = $1 AND bill_cycle = ANY($2::text[]) AND id > $3
ORDER BY id LIMIT 101
