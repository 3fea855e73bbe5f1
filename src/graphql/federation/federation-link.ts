/**
 * The Federation 2 spec this subgraph is written against, and the directives it imports by
 * their short names. Pinned on purpose: the version decides composition rules, so it changes
 * only with a deliberate upgrade (`@apollo/subgraph` 2.14 knows up to v2.14; the router must be
 * at least as new as the version named here).
 * https://www.apollographql.com/docs/graphos/reference/federation/directives
 */
export const FEDERATION_SPEC_URL = 'https://specs.apollo.dev/federation/v2.9';

export const FEDERATION_IMPORTS = ['@key', '@shareable', '@external', '@provides', '@tag', '@inaccessible'] as const;

export const FEDERATION_LINK = `extend schema @link(url: "${FEDERATION_SPEC_URL}", import: [${FEDERATION_IMPORTS.map((name) => `"${name}"`).join(', ')}])`;
