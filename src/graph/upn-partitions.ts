/**
 * The disjoint partitions a full listing of `/users` is read in, one per possible first
 * character of `userPrincipalName`.
 *
 * Entra allows only these characters in a UPN: "Only the following characters are allowed
 * A - Z, a - z, 0 - 9, ' . - _ ! # ^ ~" (microsoft-graph-docs-contrib,
 * api-reference/v1.0/resources/user.md, property userPrincipalName; the same page says it
 * supports `$filter` with `startsWith` by default). Graph compares `startsWith` on it
 * without regard to case, so one partition per lower-case letter covers both cases, and
 * the partitions never overlap: a UPN has exactly one first character.
 *
 * Completeness is not taken on trust: a full round compares what it enumerated with
 * `GET /users/$count` and falls back to one sequential listing when they differ (a UPN
 * starting with a character outside this list, a user created while reading, …).
 */
export const UPN_FIRST_CHARACTERS: readonly string[] = [
  ...'abcdefghijklmnopqrstuvwxyz',
  ...'0123456789',
  ...`'.-_!#^~`,
];
