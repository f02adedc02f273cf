// graphql-codegen's client preset with persisted documents, as docs/clients.md shows it: the
// manifest it writes (src/gql/persisted-documents.json) is what SSBTEK_TRUSTED_DOCUMENTS names.
// tests/test_trusted_documents.py runs it against the repository's schema.graphql.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: process.env.SCHEMA ?? "schema.graphql",
  documents: ["src/**/*.ts"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      config: {
        scalars: { Date: "string", DateTime: "string", Decimal: "string", Personnummer: "string" },
        enumsAsTypes: true,
      },
      presetConfig: { persistedDocuments: true },
    },
  },
};
export default config;
