import { fullExtensions } from './extension-attributes.ts';
import { mulberry32, type Random } from './prng.ts';
import type {
  EmulatedEmployeeOrgData,
  EmulatedExtensionAttributes,
  EmulatedUser,
} from './types.ts';
import {
  COMPANIES,
  DEPARTMENT_LISTS,
  DEPARTMENTS,
  GIVEN_NAMES,
  GUEST_DOMAINS,
  JOB_TITLE_LISTS,
  JOB_TITLES,
  LOCATIONS,
  SURNAMES,
} from './vocabulary.ts';

export * from './vocabulary.ts';

/** Proportions of the irregular users; exported so tests can check them. */
export const GENERATOR_RATES = {
  guest: 0.04,
  disabled: 0.03,
  noGivenName: 0.015,
  noSurname: 0.015,
  noMail: 0.08,
  jobTitleList: 0.01,
  departmentList: 0.005,
  duplicateMail: 0.002,
  noCompany: 0.05,
} as const;

/** ASCII form of a name for mail addresses: "Łukasz Østergaard" → "lukasz.ostergaard". */
export function mailSafe(name: string): string {
  return name
    .toLowerCase()
    .replace(/ł/g, 'l')
    .replace(/ø/g, 'o')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
    .replace(/đ/g, 'd')
    .replace(/ı/g, 'i')
    .normalize('NFD')
    .replace(/[^a-z0-9-]/g, '');
}

// Computed once: the generator reuses these strings, so a million users share them.
const GIVEN_ASCII = GIVEN_NAMES.map(mailSafe);
const SURNAME_ASCII = SURNAMES.map(mailSafe);
// Names that differ only in accents ("Maria", "María") share one ASCII form, so UPN
// numbering counts per ASCII form: index of its first occurrence.
const GIVEN_KEY = GIVEN_ASCII.map((a) => GIVEN_ASCII.indexOf(a));
const SURNAME_KEY = SURNAME_ASCII.map((a) => SURNAME_ASCII.indexOf(a));

/**
 * Index into a list with a skew towards its start (r² concentrates draws near 0): the first
 * entries are common, the last rare, as in a real directory.
 */
function skewed(random: Random, length: number): number {
  const r = random();
  return Math.floor(r * r * length);
}

const HEX = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));
const GUID_CODES: number[] = new Array<number>(36).fill(45); // 45 = '-'
const GUID_DIGITS = [...Array(36).keys()].filter((i) => ![8, 13, 18, 23].includes(i));

/**
 * A GUID-shaped id drawn from the PRNG (version-4 layout). Built with one fromCharCode call
 * so the result is a flat string: concatenated strings would be flattened again when the id
 * is hashed or serialised, which costs seconds at a million users.
 */
function guid(random: Random): string {
  let bits = 0;
  let left = 0;
  for (const i of GUID_DIGITS) {
    if (left === 0) {
      bits = Math.floor(random() * 0x100000000);
      left = 8;
    }
    GUID_CODES[i] = HEX[bits & 15] as number;
    bits >>>= 4;
    left -= 1;
  }
  GUID_CODES[14] = 52; // '4': version
  GUID_CODES[19] = HEX[8 + ((GUID_CODES[19] as number) & 3)] as number; // variant 8..b
  return String.fromCharCode(...GUID_CODES);
}

/**
 * State carried between batches of one tenant, so that a second `generate` call neither
 * reuses ids nor hands out user principal names that are already taken.
 */
export interface GeneratorState {
  /** How many users this state has produced so far. */
  produced: number;
  /** Per (given name, surname) pair: how many UPNs with that base exist already. */
  nameCounts: Uint32Array;
  /** A recent mail address, reused now and then to create duplicate mails. */
  lastMail: string | null;
}

/** Fresh generator state for one tenant. */
export function newGeneratorState(): GeneratorState {
  return {
    produced: 0,
    nameCounts: new Uint32Array(GIVEN_NAMES.length * SURNAMES.length),
    lastMail: null,
  };
}

/**
 * Produces `n` deterministic, realistic users for `domain`: same seed, domain and state →
 * same users. Yields plain objects with interned vocabulary strings to keep memory modest.
 */
export function* generateUsers(
  n: number,
  seed: number,
  domain: string,
  state: GeneratorState = newGeneratorState(),
): Generator<EmulatedUser> {
  // Mixing in how many users were produced before keeps a second batch with the same seed
  // from repeating the first one's ids.
  const random = mulberry32((seed ^ Math.imul(state.produced + 1, 0x9e3779b1)) >>> 0);
  const rates = GENERATOR_RATES;
  for (let i = 0; i < n; i++) {
    state.produced += 1;
    const gi = skewed(random, GIVEN_NAMES.length);
    const si = skewed(random, SURNAMES.length);
    const given = GIVEN_NAMES[gi] as string;
    const surname = SURNAMES[si] as string;
    const pair = (GIVEN_KEY[gi] as number) * SURNAMES.length + (SURNAME_KEY[si] as number);
    const taken = state.nameCounts[pair] ?? 0;
    state.nameCounts[pair] = taken + 1;
    const local = `${GIVEN_ASCII[gi]}.${SURNAME_ASCII[si]}${taken ? taken + 1 : ''}`;

    const location = LOCATIONS[skewed(random, LOCATIONS.length)] as (typeof LOCATIONS)[number];
    const guest = random() < rates.guest;
    let upn: string;
    let mail: string | null;
    if (guest) {
      const guestDomain = GUEST_DOMAINS[Math.floor(random() * GUEST_DOMAINS.length)] as string;
      mail = `${local}@${guestDomain}`;
      upn = `${local}_${guestDomain}#EXT#@${domain}`;
    } else {
      upn = `${local}@${domain}`;
      // Same string object for mail and UPN: half the memory for most users.
      mail = random() < rates.noMail ? null : upn;
    }
    if (mail !== null && state.lastMail !== null && random() < rates.duplicateMail) {
      mail = state.lastMail;
    } else if (mail !== null && random() < 0.01) {
      state.lastMail = mail;
    }

    const givenName = random() < rates.noGivenName ? null : given;
    const surnameValue = random() < rates.noSurname ? null : surname;
    const displayName =
      givenName === null && surnameValue === null
        ? `Shared Mailbox ${state.produced}`
        : givenName === null
          ? surnameValue
          : surnameValue === null
            ? givenName
            : `${givenName} ${surnameValue}`;

    const jobTitle =
      random() < rates.jobTitleList
        ? (JOB_TITLE_LISTS[Math.floor(random() * JOB_TITLE_LISTS.length)] as string)
        : (JOB_TITLES[skewed(random, JOB_TITLES.length)] as string);
    const department =
      random() < rates.departmentList
        ? (DEPARTMENT_LISTS[Math.floor(random() * DEPARTMENT_LISTS.length)] as string)
        : (DEPARTMENTS[skewed(random, DEPARTMENTS.length)] as string);

    yield {
      id: guid(random),
      givenName,
      surname: surnameValue,
      displayName,
      mail,
      userPrincipalName: upn,
      accountEnabled: random() >= rates.disabled,
      userType: guest ? 'Guest' : 'Member',
      jobTitle: guest ? null : jobTitle,
      companyName:
        guest || random() < rates.noCompany
          ? null
          : (COMPANIES[skewed(random, COMPANIES.length)] as string),
      department: guest ? null : department,
      // Guests live in someone else's directory: no office data here.
      streetAddress: guest ? null : location.streetAddress || null,
      state: guest ? null : location.state,
      country: guest ? null : location.country,
      officeLocation: guest ? null : location.officeLocation,
      city: guest ? null : location.city,
      postalCode: guest ? null : location.postalCode,
      // Derived from the running count, not drawn: the other properties keep their sequence.
      ...hybridData(state.produced, guest),
    };
  }
}

const EMPLOYEE_TYPES = ['Employee', 'Employee', 'Employee', 'Employee', 'Contractor', 'Intern'];
// Shared objects: a million users reference a few dozen, as with the other strings.
const ORG_DATA: readonly EmulatedEmployeeOrgData[] = Array.from({ length: 24 }, (_, i) => ({
  division: ['Retail', 'Logistics', 'Corporate'][i % 3] as string,
  costCenter: `CC-${4100 + i}`,
}));
const EXTENSIONS: readonly EmulatedExtensionAttributes[] = Array.from({ length: 40 }, (_, i) =>
  fullExtensions({
    extensionAttribute1: `S${String(100 + i).padStart(4, '0')}`,
    extensionAttribute3: ['Store Staff', 'Store Manager', 'Regional Lead', 'Warehouse'][
      i % 4
    ] as string,
  }),
);
const NO_EXTENSIONS = fullExtensions(null);

/** employeeType, employeeOrgData and extension attributes: what hybrid tenants carry. */
function hybridData(
  n: number,
  guest: boolean,
): Pick<EmulatedUser, 'employeeType' | 'employeeOrgData' | 'onPremisesExtensionAttributes'> {
  if (guest)
    return { employeeType: null, employeeOrgData: null, onPremisesExtensionAttributes: null };
  return {
    employeeType: EMPLOYEE_TYPES[n % EMPLOYEE_TYPES.length] as string,
    // Roughly one user in seven was never given org data or extension attributes.
    employeeOrgData: n % 7 === 3 ? null : (ORG_DATA[n % ORG_DATA.length] ?? null),
    onPremisesExtensionAttributes:
      n % 7 === 5 ? NO_EXTENSIONS : (EXTENSIONS[n % EXTENSIONS.length] ?? NO_EXTENSIONS),
  };
}
