// A frontend's operations, written as the client preset expects them.
import { graphql } from "./gql";

export const Fordon = graphql(`
  query Fordon($pnr: Personnummer!, $period: PeriodInput!) {
    person(personnummer: $pnr, period: $period, arende: "2026-0042") {
      transportstyrelsen { resultat fordon { regnr } }
    }
  }
`);

export const Tjanstestatus = graphql(`
  query Tjanstestatus {
    tjanstestatus { myndighet anropad }
  }
`);
