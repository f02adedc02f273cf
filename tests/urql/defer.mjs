// urql reading @defer and @stream from a facade: node defer.mjs <url> <headers JSON> <query>
// <variables JSON>. A Client with the fetchExchange, which reads multipart/mixed itself; one JSON
// line, printed at once, for each result the application is given as the parts come (whether
// more is to come, its data, the codes of its errors), then one with the Accept header of each
// request sent.
import { Client, fetchExchange, gql } from "@urql/core";

const [url, headers, query, variables] = process.argv.slice(2);

const accept = [];
const client = new Client({
  url,
  exchanges: [fetchExchange],
  // urql sends a short query by GET; the facade takes POST only (no personnummer in a URL).
  preferGetMethod: false,
  fetchOptions: { headers: JSON.parse(headers) },
  fetch: (input, init) => {
    accept.push(new Headers(init.headers).get("accept"));
    return globalThis.fetch(input, init);
  },
});

// Not unsubscribed at the last result: urql would abort the body it is still closing, and
// Node.js would end on the AbortError it leaves unhandled.
await new Promise((resolve) => {
  client.query(gql(query), JSON.parse(variables)).subscribe((result) => {
    const errors = result.error ? codes(result.error) : [];
    console.log(JSON.stringify({ hasNext: result.hasNext, data: result.data ?? null, errors }));
    if (!result.hasNext) resolve();
  });
});
console.log(JSON.stringify({ accept }));

// The codes of the errors an application is shown (urql's CombinedError).
function codes(error) {
  const listed = error.graphQLErrors.map((e) => e.extensions?.code ?? e.message);
  return error.networkError ? [...listed, String(error.networkError.message)] : listed;
}
