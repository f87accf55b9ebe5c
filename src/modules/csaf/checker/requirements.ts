import type { CsafRole, RequirementNumber, RequirementResult } from '#src/modules/csaf/checker/checker.types';

/** Titles of CSAF 2.0 section 7.1, requirements 1–20. */
export const REQUIREMENT_TITLES: Record<RequirementNumber, string> = {
  1: 'Valid CSAF document',
  2: 'Filename',
  3: 'TLS',
  4: 'TLP:WHITE',
  5: 'TLP:AMBER and TLP:RED',
  6: 'No redirects',
  7: 'provider-metadata.json',
  8: 'security.txt',
  9: 'Well-known URL for provider-metadata.json',
  10: 'DNS path',
  11: 'One folder per year',
  12: 'index.txt',
  13: 'changes.csv',
  14: 'Directory listings',
  15: 'ROLIE feed',
  16: 'ROLIE service document',
  17: 'ROLIE category document',
  18: 'Integrity',
  19: 'Signatures',
  20: 'Public OpenPGP key',
};

export const ALL_REQUIREMENTS: RequirementNumber[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];

/** Which distribution the provider declares in provider-metadata.json (section 7.2.2, third group). */
export interface DeclaredDistributions {
  directory: boolean;
  rolie: boolean;
}

/**
 * The requirements a role needs (CSAF 2.0 section 7.2): publisher 1–4; provider adds 5–7, one of 8–10, and
 * 11–14 for a directory-based distribution and 15–17 for a ROLIE-based one (at least one of the two);
 * trusted provider adds 18–20. Returns the plain list and the "one of" group separately.
 */
export function requirementsForRole(role: CsafRole, distributions: DeclaredDistributions): { all: RequirementNumber[]; oneOf: RequirementNumber[] } {
  const all: RequirementNumber[] = [1, 2, 3, 4];
  if (role === 'csaf_publisher') return { all, oneOf: [] };
  all.push(5, 6, 7);
  if (distributions.directory || !distributions.rolie) all.push(11, 12, 13, 14);
  if (distributions.rolie || !distributions.directory) all.push(15, 16, 17);
  if (role === 'csaf_trusted_provider') all.push(18, 19, 20);
  return { all, oneOf: [8, 9, 10] };
}

/**
 * Whether the results meet the role. Not applicable counts as met (the checker says not applicable only
 * when the requirement has nothing to apply to); when neither distribution is declared, meeting either
 * group suffices. Returns the unmet requirements.
 */
export function unmetForRole(role: CsafRole, distributions: DeclaredDistributions, results: RequirementResult[]): RequirementNumber[] {
  const status = new Map(results.map((r) => [r.requirement, r.status]));
  const met = (n: RequirementNumber): boolean => status.get(n) !== 'fail';
  const { all, oneOf } = requirementsForRole(role, distributions);
  const unmet: RequirementNumber[] = [];
  const neither = !distributions.directory && !distributions.rolie;
  for (const n of all) {
    // With no declared distribution both groups are listed; a provider meets the role if one group passes.
    if (neither && n >= 11 && n <= 17) continue;
    if (!met(n)) unmet.push(n);
  }
  if (neither && role !== 'csaf_publisher') {
    const directory: RequirementNumber[] = [11, 12, 13, 14];
    const rolie: RequirementNumber[] = [15, 16, 17];
    if (!directory.every(met) && !rolie.every(met)) unmet.push(...directory.filter((n) => !met(n)), ...rolie.filter((n) => !met(n)));
  }
  if (oneOf.length > 0 && !oneOf.some((n) => status.get(n) === 'pass')) unmet.push(...oneOf);
  return [...new Set(unmet)].sort((a, b) => a - b);
}
