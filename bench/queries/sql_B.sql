-- B's floor: the product's own summary statement over the rollups.
-- $1 partner id, $2 the cycles (text[])
SELECT bill_cycle, service_type, sum(lines), sum(usage), sum(list_amount), sum(discount),
       sum(coupon), sum(cash_paid), sum(credit_paid), sum(amount_due), min(unit), max(unit)
FROM consumption_rollups WHERE partner_id = $1 AND bill_cycle = ANY($2::text[])
GROUP BY bill_cycle, service_type ORDER BY bill_cycle, service_type
