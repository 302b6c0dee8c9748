// The GraphQL-over-HTTP audit suite (npm `graphql-http`) against a running server.
// Usage: node audit.mjs URL [TOKEN]. Runs every server audit without a token and, when a
// token is given, again with it; prints one line per audit; exits 1 when any MUST fails.
import { serverAudits } from 'graphql-http';

const [url, token] = process.argv.slice(2);
if (!url) {
  console.error('usage: node audit.mjs URL [TOKEN]');
  process.exit(2);
}

function fetchWith(authorization) {
  return (input, init = {}) => {
    const headers = new Headers(init.headers);
    if (authorization) headers.set('authorization', authorization);
    return fetch(input, { ...init, headers });
  };
}

async function run(label, authorization) {
  const counts = { ok: 0, warn: 0, error: 0 };
  for (const audit of serverAudits({ url, fetchFn: fetchWith(authorization) })) {
    const result = await audit.fn();
    counts[result.status] += 1;
    if (result.status !== 'ok') {
      const reason = result.reason ?? '';
      console.log(`${label}  ${result.status.toUpperCase().padEnd(5)} ${audit.name}: ${reason}`);
    }
  }
  console.log(
    `${label}: ${counts.ok} ok, ${counts.warn} SHOULD/MAY not met, ${counts.error} MUST failed`,
  );
  return counts.error;
}

let failed = await run('anonymous', undefined);
if (token) failed += await run('with token', `Bearer ${token}`);
process.exit(failed ? 1 : 0);
