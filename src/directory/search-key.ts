/**
 * The text a user is found by (issue 13): full name and email, lower-cased and without
 * accents, so "jose" finds "José Núñez" and "MULLER" finds "Müller". Stored in
 * `users.search_key` on every write and compared with `like '%term%'`.
 */

// Letters that are not a base letter plus a combining mark, so NFD alone keeps them.
const FOLD: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/** Lower-case, accent-free form of a text (the search term is folded the same way). */
export function foldText(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (c) => FOLD[c] ?? c)
    .replace(/\s+/g, ' ')
    .trim();
}

/** The stored search key of a user: "first last email", folded. */
export function searchKey(firstName: string, lastName: string, email: string): string {
  return foldText(`${firstName} ${lastName} ${email}`);
}
