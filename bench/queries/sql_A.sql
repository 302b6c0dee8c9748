-- A's floor: the first 50 customers by name with account, manager, 10 newest resources and
-- the cycle's amount due from the rollups, as ONE hand-written statement. Joins carry
-- partner_id, as the tenant keys' composite foreign keys do.
-- $1 partner id, $2 cycle
SELECT c.id, c.name, c.account_name, c.association_type, c.status,
       a.balance, a.credit_limit, u.name AS manager_name, u.email AS manager_email,
       (SELECT json_agg(json_build_object('id', r.id, 'service_type', r.service_type,
                                          'status', r.status, 'expires_at', r.expires_at))
          FROM (SELECT id, service_type, status, expires_at FROM resources
                 WHERE partner_id = $1 AND customer_id = c.id
                 ORDER BY created_at DESC, id DESC LIMIT 10) r) AS resources,
       (SELECT sum(x.amount_due) FROM consumption_rollups x
         WHERE x.partner_id = $1 AND x.bill_cycle = $2 AND x.customer_id = c.id) AS amount_due
FROM customers c
LEFT JOIN customer_accounts a ON a.partner_id = c.partner_id AND a.customer_id = c.id
LEFT JOIN partner_users u ON u.partner_id = c.partner_id AND u.id = c.account_manager_id
WHERE c.partner_id = $1 AND c.ended_at IS NULL
ORDER BY c.name, c.id
LIMIT 50
