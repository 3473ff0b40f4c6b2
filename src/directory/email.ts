/** Emails are compared case-insensitively and stored lower-case (SPEC §3). */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
