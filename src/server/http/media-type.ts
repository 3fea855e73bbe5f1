/**
 * The response media type of the GraphQL-over-HTTP spec, chosen from the request's `Accept`
 * header by the rules Apollo Server applies to its own answers (the `negotiator` package), so the
 * gateway's refusals (401, 404, a body that is not JSON) and Apollo's answers agree on every
 * header. Free of Express: it reads a header value and nothing else.
 */

export const APPLICATION_JSON = 'application/json';
export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';
export type GraphQLMediaType = typeof APPLICATION_JSON | typeof GRAPHQL_RESPONSE_JSON;

/**
 * What the gateway offers, in its order of preference when the client's `Accept` ranks two
 * equally (`*∕*`, `application/*`): `application/json` first, the legacy default that
 * graphql-http's audits and Apollo Server expect.
 */
const OFFERED: ReadonlyArray<{ type: string; subtype: string; mediaType: GraphQLMediaType }> = [
  { type: 'application', subtype: 'json', mediaType: APPLICATION_JSON },
  { type: 'application', subtype: 'graphql-response+json', mediaType: GRAPHQL_RESPONSE_JSON },
];

interface MediaRange {
  type: string;
  subtype: string;
  /** Parameters other than `q`, lower-cased, without quotes. */
  params: ReadonlyMap<string, string>;
  q: number;
  /** The range's place in the header: the first listed wins a tie. */
  index: number;
}

interface Match {
  mediaType: GraphQLMediaType;
  q: number;
  /** 4 for the type, 2 for the subtype, 1 for parameters, as RFC 9110 §12.5.1 ranks ranges. */
  specificity: number;
  index: number;
  offered: number;
}

/**
 * The media type to answer in: the offered type of highest quality, then of the most specific
 * range, then listed first. No `Accept` (or a blank one) is `application/json`, the spec's
 * legacy default. Null when the client accepts neither: Apollo answers that with 406.
 */
export function negotiateMediaType(accept: string | undefined): GraphQLMediaType | null {
  if (accept === undefined || accept.trim() === '') {
    return APPLICATION_JSON;
  }
  const ranges = parseAccept(accept);
  const matches = OFFERED.flatMap((offered, position) => {
    const match = bestRangeFor(offered, ranges);
    return match === null || !(match.q > 0) ? [] : [{ ...match, mediaType: offered.mediaType, offered: position }];
  });
  matches.sort((a, b) => b.q - a.q || b.specificity - a.specificity || a.index - b.index || a.offered - b.offered);
  return matches[0]?.mediaType ?? null;
}

/**
 * For answers the gateway makes itself before GraphQL runs (401, 404, 413…): the negotiated type,
 * or `application/json` when the client accepts neither. The spec lets a server disregard an
 * `Accept` it cannot meet; a refusal that says why is more use than a 406 that hides it.
 */
export function refusalMediaType(accept: string | undefined): GraphQLMediaType {
  return negotiateMediaType(accept) ?? APPLICATION_JSON;
}

/** The `Content-Type` header for a media type: the gateway always answers in UTF-8. */
export function contentTypeOf(mediaType: GraphQLMediaType): string {
  return `${mediaType}; charset=utf-8`;
}

/** The range of the header that decides how much the client wants `offered`, as negotiator picks it. */
function bestRangeFor(offered: (typeof OFFERED)[number], ranges: readonly MediaRange[]): Omit<Match, 'mediaType' | 'offered'> | null {
  let best: Omit<Match, 'mediaType' | 'offered'> | null = null;
  for (const range of ranges) {
    const specificity = specificityOf(offered, range);
    if (specificity === null) continue;
    if (best === null || specificity > best.specificity || (specificity === best.specificity && range.q > best.q)) {
      best = { q: range.q, specificity, index: range.index };
    }
  }
  return best;
}

function specificityOf(offered: (typeof OFFERED)[number], range: MediaRange): number | null {
  let specificity = 0;
  if (range.type === offered.type) specificity |= 4;
  else if (range.type !== '*') return null;
  if (range.subtype === offered.subtype) specificity |= 2;
  else if (range.subtype !== '*') return null;
  if (range.params.size > 0) {
    // The gateway's types carry only `charset=utf-8`: a range asking for another parameter or charset does not match.
    const onlyUtf8 = [...range.params].every(([name, value]) => value === '*' || (name === 'charset' && value === 'utf-8'));
    if (!onlyUtf8) return null;
    specificity |= 1;
  }
  return specificity;
}

/** `Accept` as RFC 9110 §12.5.1 writes it; parameters after `q` (accept extensions) are ignored. */
function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  accept.split(',').forEach((part, index) => {
    const [fullType = '', ...parameters] = part.split(';').map((piece) => piece.trim());
    const match = /^([^\s/]+)\/([^\s/]+)$/.exec(fullType.toLowerCase());
    if (match === null) return;
    const params = new Map<string, string>();
    let q = 1;
    for (const parameter of parameters) {
      const [name = '', value = ''] = parameter.split('=').map((piece) => piece.trim());
      if (name.toLowerCase() === 'q') {
        q = Number.parseFloat(value);
        break;
      }
      params.set(name.toLowerCase(), value.replace(/^"(.*)"$/, '$1').toLowerCase());
    }
    ranges.push({ type: match[1]!, subtype: match[2]!, params, q, index });
  });
  return ranges;
}
