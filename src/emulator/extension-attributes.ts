import type { EmulatedExtensionAttributes, ExtensionAttributeKey } from './types.ts';

// prettier-ignore
export const EXTENSION_KEYS: readonly ExtensionAttributeKey[] = [
  'extensionAttribute1', 'extensionAttribute2', 'extensionAttribute3', 'extensionAttribute4',
  'extensionAttribute5', 'extensionAttribute6', 'extensionAttribute7', 'extensionAttribute8',
  'extensionAttribute9', 'extensionAttribute10', 'extensionAttribute11', 'extensionAttribute12',
  'extensionAttribute13', 'extensionAttribute14', 'extensionAttribute15',
];

/**
 * All 15 attributes, unset ones null: the shape Graph serves for every user
 * (resources/onpremisesextensionattributes.md), so a stored record reads like a response.
 */
export function fullExtensions(
  attrs: EmulatedExtensionAttributes | null | undefined,
): EmulatedExtensionAttributes {
  return Object.fromEntries(EXTENSION_KEYS.map((k) => [k, attrs?.[k] ?? null]));
}
