// Apollo Client 4 reading @defer and @stream from a facade: node defer.mjs <url> <headers JSON>
// <handler: GraphQL17Alpha9Handler (the current RFC) or Defer20220824Handler (the 2022 format)>
// <query> <variables JSON>. The query is watched through HttpLink into an InMemoryCache; one
// JSON line, printed at once, for each result the application is given as the parts come (its
// dataState, whether still loading, its data, the codes of its errors), then one with the Accept
// header of each request sent.
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { Defer20220824Handler, GraphQL17Alpha9Handler } from "@apollo/client/incremental";

const [url, headers, handler, query, variables] = process.argv.slice(2);
const handlers = { GraphQL17Alpha9Handler, Defer20220824Handler };

const accept = [];
const client = new ApolloClient({
  link: new HttpLink({
    uri: url,
    headers: JSON.parse(headers),
    fetch: (input, init) => {
      accept.push(new Headers(init.headers).get("accept"));
      return globalThis.fetch(input, init);
    },
  }),
  cache: new InMemoryCache(),
  incrementalHandler: new handlers[handler](),
});

await new Promise((resolve) => {
  const observable = client.watchQuery({
    query: gql(query),
    variables: JSON.parse(variables),
    errorPolicy: "all",
  });
  const subscription = observable.subscribe({
    next(result) {
      const errors = result.error ? codes(result.error) : [];
      const { dataState, loading, data = null } = result;
      console.log(JSON.stringify({ dataState, loading, data, errors }));
      if (!loading && (dataState === "complete" || errors.length)) {
        queueMicrotask(() => subscription.unsubscribe());
        resolve();
      }
    },
    error(error) {
      console.log(JSON.stringify({ dataState: "error", loading: false, data: null, errors: codes(error) }));
      resolve();
    },
  });
});
console.log(JSON.stringify({ accept }));
client.stop();

// The codes of the errors an application is shown (CombinedGraphQLErrors, or any other error).
function codes(error) {
  if (error.errors?.length) return error.errors.map((e) => e.extensions?.code ?? e.message);
  return [String(error.message)];
}
