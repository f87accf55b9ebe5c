import type { CheckReport, RequirementStatus } from '#src/modules/csaf/checker/checker.types';

const STATUS_TEXT: Record<RequirementStatus, string> = { pass: 'PASS', fail: 'FAIL', not_applicable: 'N/A ' };

/** The report as plain English lines for a terminal: one block per requirement, then the verdict for the role. */
export function formatReport(report: CheckReport): string[] {
  const lines: string[] = [];
  lines.push(`CSAF 2.0 distribution check of ${report.target}`);
  lines.push(`provider-metadata.json: ${report.providerMetadataUrl ?? 'not found'}`);
  const source = report.roleSource === 'metadata' ? 'claimed in provider-metadata.json' : report.roleSource === 'option' ? 'given with --role' : 'none claimed: checked as the minimum role';
  lines.push(`Role: ${report.role} (${source}); documents examined: ${report.documentsChecked}`);
  lines.push('Requirements marked * are needed by the role (8–10: one of them suffices).');
  lines.push('');
  for (const r of report.results) {
    const number = String(r.requirement).padStart(2, ' ');
    lines.push(`${number}${r.mandatory ? '*' : ' '} ${STATUS_TEXT[r.status]}  ${r.title}: ${r.reason}`);
    for (const d of r.details) lines.push(`          - ${d}`);
    for (const w of r.warnings) lines.push(`          ! ${w}`);
  }
  lines.push('');
  for (const n of report.notes) lines.push(`Note: ${n}`);
  if (report.isCompliant) lines.push(`Result: every requirement of ${report.role} is met.`);
  else lines.push(`Result: ${report.role} NOT met; unmet requirement(s): ${report.unmetRequirements.join(', ')}.`);
  return lines;
}
