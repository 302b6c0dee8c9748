-- D's floor: the product's token lookup (what its smallest authenticated request must read).
-- $1 the token's SHA-256 (hex)
SELECT t.id, t.principal_kind, t.partner_id, t.partner_user_id, t.cloud_account_id,
       t.last_used_at, t.revoked_at, t.expires_at, u.role, u.deactivated_at,
       p.sales_see_all_customers
FROM api_tokens t
LEFT JOIN partner_users u ON u.partner_id = t.partner_id AND u.id = t.partner_user_id
LEFT JOIN partners p ON p.id = t.partner_id
WHERE t.token_hash = $1
