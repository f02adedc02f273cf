// Apollo Client's automatic persisted queries against a facade: node apq.mjs <url> <headers JSON:
// the headers each client version sends, by version> <variables JSON> <query>. For Apollo Client
// 4 and 3, the query runs twice through PersistedQueryLink and HttpLink; one JSON line per run:
// the client's version, the answer (data and errors as the application sees them) and what went
// over the wire (whether each request carried the document and the hash, and its HTTP status).
import { createHash } from "node:crypto";
import * as four from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import three from "apollo-client-3/core/core.cjs";
import threeLinks from "apollo-client-3/link/persisted-queries/persisted-queries.cjs";

const [url, headers, variables, text] = process.argv.slice(2);
const sha256 = (query) => createHash("sha256").update(query).digest("hex");

const clients = [
  {
    version: "4",
    make: (fetch) =>
      new four.ApolloClient({
        link: new PersistedQueryLink({ sha256 }).concat(
          new four.HttpLink({ uri: url, fetch, headers: JSON.parse(headers)["4"] }),
        ),
        cache: new four.InMemoryCache(),
      }),
    gql: four.gql,
  },
  {
    version: "3",
    make: (fetch) =>
      new three.ApolloClient({
        link: threeLinks.createPersistedQueryLink({ sha256 }).concat(
          new three.HttpLink({ uri: url, fetch, headers: JSON.parse(headers)["3"] }),
        ),
        cache: new three.InMemoryCache(),
      }),
    gql: three.gql,
  },
];

for (const { version, make, gql } of clients) {
  let wire = [];
  const fetch = async (input, init) => {
    const body = JSON.parse(init.body);
    const response = await globalThis.fetch(input, init);
    wire.push({
      query: typeof body.query === "string",
      hash: Boolean(body.extensions?.persistedQuery?.sha256Hash),
      status: response.status,
    });
    return response;
  };
  const client = make(fetch);
  for (const run of [1, 2]) {
    wire = [];
    let answer;
    try {
      const result = await client.query({
        query: gql(text),
        variables: JSON.parse(variables),
        fetchPolicy: "no-cache",
        errorPolicy: "all",
      });
      answer = { data: result.data ?? null, errors: [...codes(result.error), ...(result.errors ? codes({ errors: result.errors }) : [])] };
    } catch (error) {
      answer = { data: null, errors: codes(error) };
    }
    console.log(JSON.stringify({ client: version, run, ...answer, wire }));
  }
}

// The codes of the errors an application is shown: GraphQL errors (Apollo Client 4's
// CombinedGraphQLErrors, 3's ApolloError), or those in the body of an HTTP error.
function codes(error) {
  if (!error) return [];
  const listed = error.errors ?? error.graphQLErrors;
  if (listed?.length) return listed.map((e) => e.extensions?.code ?? e.message);
  const result = error.result ?? error.networkError?.result ?? parsed(error.bodyText ?? error.networkError?.bodyText);
  if (result?.errors?.length) return result.errors.map((e) => e.extensions?.code ?? e.message);
  return listed ? [] : [String(error.message)];
}

function parsed(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}
