// The graphql-http audit (the GraphQL over HTTP working group's own checks) against a server:
// one JSON line per check with its name, status (ok, warn: a SHOULD failed, error: a MUST
// failed, notice: a MAY) and reason.
import { auditServer } from 'graphql-http';

const results = await auditServer({ url: process.argv[2], fetchFn: fetch });
for (const result of results) {
  console.log(JSON.stringify({ name: result.name, status: result.status, reason: result.reason ?? null }));
}
